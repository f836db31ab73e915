using KpuOrleans.Registry;
using KpuOrleans.Simulator.Photos;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;
using SkiaSharp;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The script with photos: the same forms as without (photos only add citations), pages named by their bytes' hash,
/// late pages as a step after their form, and a disputed race whose last photo differs in the one field its dispute
/// names, read back from the pixels.
/// </summary>
public class PhotoScriptTests
{
    private static RegionRegistry Registry => Jatim.Registry;

    /// <summary>A district of Kota Surabaya: two races per TPS.</summary>
    private static IEnumerable<RegionInfo> Slice => Registry.TpsUnder("35.78.01");

    private static readonly SubmissionMix Mix = new(RetriesPct: 20, CorrectionsPct: 20, InvalidPct: 0);

    private static ElectionScript Script(PhotoPlan plan) =>
        ElectionScript.Write(Registry, Slice, 7, Mix, ArrivalCurve.Pilkada2024, () => { }, plan);

    [Fact]
    public void Photos_change_no_number_of_any_form_and_only_add_citations()
    {
        var without = Script(PhotoPlan.None);
        var with = Script(new PhotoPlan(0.5, 2, 0.5, 0.2));

        Assert.Equal(without.Races.Count, with.Races.Count);
        for (var i = 0; i < with.Races.Count; i++)
        {
            var plain = without.Races[i].Steps.Where(s => s.PostsForm).Select(s => s.Sent).ToList();
            var photographed = with.Races[i].Steps.Where(s => s.PostsForm).Select(s => s.Form).ToList();
            Assert.Equal(plain.Count, photographed.Count);
            Assert.All(plain.Zip(photographed), p => Assert.True(p.First.SameContent(p.Second)));
        }
        Assert.All(without.Races, r => Assert.All(r.Steps, s => Assert.Null(s.Photos)));
        Assert.Equal(without.SubmissionCount, with.SubmissionCount);
    }

    [Fact]
    public void Shares_are_roughly_kept_and_a_late_page_goes_up_after_its_form()
    {
        var script = Script(new PhotoPlan(0.5, 2, 0.5, 0));

        var photographed = script.Races.Count(r => r.Steps.Any(s => s.Photos is not null));
        Assert.InRange(photographed, script.Races.Count * 0.35, script.Races.Count * 0.65);
        var forms = script.Races.SelectMany(r => r.Steps).Where(s => s.Kind is SubmissionKind.First or SubmissionKind.Correction && s.Photos is not null).ToList();
        Assert.InRange(forms.Count(f => f.Photos!.Late), forms.Count * 0.3, forms.Count * 0.7);
        foreach (var race in script.Races)
        {
            var steps = race.Steps;
            for (var i = 0; i < steps.Count; i++)
            {
                if (steps[i].Kind != SubmissionKind.Photos) continue;
                Assert.True(steps[i].Photos!.Late);
                Assert.Same(steps[i].Photos, steps[i - 1].Photos);
                Assert.True(steps[i - 1].Kind is SubmissionKind.First or SubmissionKind.Correction);
            }
            // A retry cites the very pages of the form it repeats.
            if (steps.FirstOrDefault(s => s.Kind == SubmissionKind.Retry) is { Photos: not null } retry)
                Assert.Same(steps.Single(s => s.Kind == SubmissionKind.First).Photos, retry.Photos);
        }
    }

    [Fact]
    public void A_page_is_named_by_the_hash_of_its_bytes_and_the_names_are_the_same_in_another_run()
    {
        var race = Script(new PhotoPlan(1, 2, 0, 0)).Races[0];
        var again = Script(new PhotoPlan(1, 2, 0, 0)).Races[0];
        var photos = race.Steps.First(s => s.Kind == SubmissionKind.First).Photos!;

        var sent = race.Steps.First(s => s.Kind == SubmissionKind.First).Sent;
        Assert.Equal(2, sent.Pages.Count);
        Assert.Equal(photos.Names, sent.Pages);
        for (var page = 0; page < 2; page++)
            Assert.Equal(sent.Pages[page], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photos.Bytes(page))));
        Assert.Equal(sent.Pages, again.Steps.First(s => s.Kind == SubmissionKind.First).Sent.Pages);
        Assert.All(sent.Pages, p => Assert.Matches("^[0-9a-f]{64}$", p));
    }

    [Fact]
    public void A_disputed_race_shows_one_number_otherwise_on_its_last_photo_and_its_dispute_names_that_field()
    {
        var script = Script(new PhotoPlan(0, 1, 0, 0.3));
        var disputed = script.Races.Where(r => r.Steps.Any(s => s.Kind == SubmissionKind.Dispute)).ToList();

        Assert.InRange(disputed.Count, 1, script.TpsCount);
        Assert.True(disputed.Select(r => r.Tps.Code).Distinct().Count() == disputed.Count, "one disputed race per disputed TPS");
        foreach (var race in disputed.Take(5))
        {
            var dispute = race.Steps[^1];
            Assert.Equal(SubmissionKind.Dispute, dispute.Kind);
            var last = race.Steps.Last(s => s.Kind is SubmissionKind.First or SubmissionKind.Correction);
            Assert.Same(last.Form, dispute.Form);
            using var image = SKBitmap.Decode(last.Photos!.Bytes(0));
            var shown = CHasilSheetTests.ReadRows(image, CHasilSheet.Rows(last.Form));
            var onTheForm = CHasilSheet.Rows(last.Form).ToDictionary(r => r.Field, r => r.Value);
            var differing = Assert.Single(shown, r => onTheForm[r.Key] != r.Value);
            Assert.Equal((dispute.Dispute!.Field, dispute.Dispute.Shown, dispute.Dispute.OnTheForm),
                (differing.Key, differing.Value, onTheForm[differing.Key]));
            Assert.Contains(differing.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), dispute.Dispute.Note);
        }
        // Only the disputed race's last version is altered: every other photographed form shows its own numbers.
        var honest = script.Races.Where(r => !disputed.Contains(r)).SelectMany(r => r.Steps).Where(s => s.Photos is not null);
        Assert.All(honest, s => Assert.Null(s.Photos!.Change));
    }
}
