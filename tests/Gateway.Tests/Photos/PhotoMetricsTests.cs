using System.Net;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary><c>/metrics</c> counts uploads by outcome and the bytes stored (alone in its collection: the counters are process-wide).</summary>
[Collection(ProcessWideMetrics.Name)]
public class PhotoMetricsTests(PhotoHost host) : IClassFixture<PhotoHost>
{
    private async Task<PrometheusScrape> ScrapeAsync()
    {
        using var management = host.CreateManagementClient();
        return PrometheusScrape.Parse(await management.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Uploads_are_counted_by_outcome_and_their_bytes_when_stored()
    {
        var before = await ScrapeAsync();
        var photo = PhotoSamples.Png(seed: 101);
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync(photo, "image/png")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync(photo, "image/png")).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.PutAsync(photo, "image/png", new string('0', 64))).Status);

        await Eventually.HoldsAsync(async () =>
        {
            var after = await ScrapeAsync();
            double Moved(string outcome) => after.Sum("kpu_photos_uploaded_total", ("outcome", outcome)) - before.Sum("kpu_photos_uploaded_total", ("outcome", outcome));
            var bytes = after.Sum("kpu_photo_bytes_stored_total") - before.Sum("kpu_photo_bytes_stored_total");
            var holds = Moved("new") == 1 && Moved("existing") == 1 && Moved("hash") == 1 && bytes > photo.Length;
            return (holds, $"new +{Moved("new")}, existing +{Moved("existing")}, hash +{Moved("hash")}, bytes +{bytes}");
        }, TimeSpan.FromSeconds(10), "the photo counters moved by the uploads sent");
    }
}
