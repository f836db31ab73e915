using KpuOrleans.Gateway.Photos;
using KpuOrleans.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>
/// <c>Photos:Store=s3</c> with its <c>Photos:S3</c> keys missing or nonsense stops the start-up naming the key, rather
/// than a gateway that answers 503 to every photo (or looks for credentials wherever the AWS client would).
/// </summary>
public class S3PhotoStoreSettingsTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        ["Photos:S3:ServiceUrl"] = "http://127.0.0.1:54380",
        ["Photos:S3:Bucket"] = "kpu-photos",
        ["Photos:S3:AccessKey"] = "S3RVER",
        ["Photos:S3:SecretKey"] = "S3RVER",
    };

    [Theory]
    [InlineData("Photos:S3:ServiceUrl", null)]
    [InlineData("Photos:S3:ServiceUrl", "")]
    [InlineData("Photos:S3:ServiceUrl", "127.0.0.1:54380")]
    [InlineData("Photos:S3:ServiceUrl", "ftp://127.0.0.1/")]
    [InlineData("Photos:S3:ServiceUrl", "http://user:secret@127.0.0.1:54380")]
    [InlineData("Photos:S3:Bucket", null)]
    [InlineData("Photos:S3:Bucket", "Photos_Of_The_Night")]
    [InlineData("Photos:S3:Bucket", "ab")]
    [InlineData("Photos:S3:Region", "")]
    [InlineData("Photos:S3:Region", "us east 1")]
    [InlineData("Photos:S3:AccessKey", null)]
    [InlineData("Photos:S3:AccessKey", " ")]
    [InlineData("Photos:S3:SecretKey", null)]
    public void A_missing_or_malformed_key_is_refused_naming_it(string key, string? value)
    {
        var settings = new Dictionary<string, string?>(Complete) { [key] = value };

        var refused = Assert.Throws<SettingsRefusedException>(() => Register(settings));

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
        foreach (var other in Complete.Keys.Where(k => k != key)) Assert.DoesNotContain(other, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_settings_give_the_s3_store_with_the_defaults()
    {
        using var provider = Register(Complete).BuildServiceProvider();

        Assert.IsType<S3PhotoStore>(provider.GetRequiredService<IPhotoStore>());
        var options = provider.GetRequiredService<S3PhotoStoreOptions>();
        Assert.Equal("us-east-1", options.Region);
        Assert.True(options.ForcePathStyle);
    }

    [Theory]
    [InlineData("http://127.0.0.1:54380", false)]
    [InlineData("http://localhost:9000", false)]
    [InlineData("http://[::1]:9000", false)]
    [InlineData("https://minio.kpu.internal", false)]
    [InlineData("http://kpu-minio:9000", true)]
    [InlineData("http://10.0.0.5:9000", true)]
    public void Keys_sent_to_another_machine_over_plain_http_are_told(string url, bool inClear)
    {
        var options = new S3PhotoStoreOptions { ServiceUrl = url };

        Assert.Equal(inClear, options.SendsInClear());
    }

    private static ServiceCollection Register(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKpuS3PhotoStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }
}
