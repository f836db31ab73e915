using System.Text.RegularExpressions;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Options;

namespace KpuOrleans.Simulator.Tests;

/// <summary>The command line: every option in --help is understood, and mistakes are reported, not guessed at.</summary>
public partial class OptionsTests
{
    [Fact]
    public void Defaults_are_a_night_of_the_whole_province_against_the_local_gateway()
    {
        var options = OptionsParser.Parse([]).Options!;

        Assert.Equal(RunMode.Night, options.Mode);
        Assert.Equal(new Uri("http://localhost:5080/"), options.Target);
        Assert.Empty(options.Regions);
        Assert.Equal(720, options.Speed);
        Assert.Equal(1, options.Batch);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var parsed = OptionsParser.Parse([
            "flood", "--target", "http://10.0.0.5:8080", "--regions", "35.78, 35.79", "--seed", "7", "--speed=60",
            "--concurrency", "32", "--batch", "100", "--retries", "5", "--corrections", "2.5", "--invalid", "0",
            "--subscribers", "10", "--stalled-subscribers", "3", "--settle", "15", "--timeout", "90", "--attempts", "5", "--check-down-to", "district",
            "--data", "/tmp/registry", "--plain", "--progress-interval", "2", "--report-json", "/tmp/run.json",
        ]);

        Assert.Null(parsed.Error);
        Assert.Equal(new SimulatorOptions
        {
            Mode = RunMode.Flood, Target = new Uri("http://10.0.0.5:8080/"), Regions = parsed.Options!.Regions, Seed = 7, Speed = 60,
            Concurrency = 32, Batch = 100, RetriesPct = 5, CorrectionsPct = 2.5, InvalidPct = 0, Subscribers = 10, StalledSubscribers = 3,
            Settle = TimeSpan.FromSeconds(15), RequestTimeout = TimeSpan.FromSeconds(90), Attempts = 5, CheckDownTo = Level.District,
            DataFolder = "/tmp/registry", Plain = true, ProgressInterval = TimeSpan.FromSeconds(2), ReportJson = "/tmp/run.json",
        }, parsed.Options);
        Assert.Equal(["35.78", "35.79"], parsed.Options.Regions);
    }

    [Fact]
    public void Photos_are_off_by_default_and_every_photo_option_is_read()
    {
        var defaults = OptionsParser.Parse(["night"]).Options!;
        Assert.Equal((0d, 1, 0d, 0d), (defaults.PhotosShare, defaults.PhotoPages, defaults.PhotoLateShare, defaults.DisputeShare));
        Assert.False(defaults.PhotoPlan.Any);

        var parsed = OptionsParser.Parse(["flood", "--photos", "0.5", "--photo-pages=3", "--photo-late", "0.25", "--dispute-share", "0.01"]);

        Assert.Null(parsed.Error);
        Assert.Equal(new Photos.PhotoPlan(0.5, 3, 0.25, 0.01), parsed.Options!.PhotoPlan);
    }

    [Fact]
    public void A_rehearsal_photographs_a_tenth_of_the_forms_a_third_of_them_late_and_disputes_one_tps_in_500()
    {
        var parsed = OptionsParser.Parse(["night", .. Rehearsal.RehearsalNight.RehearsalEvidence]);

        Assert.Null(parsed.Error);
        Assert.Equal(new Photos.PhotoPlan(0.1, 1, 0.3, 0.002), parsed.Options!.PhotoPlan);
    }

    [Fact]
    public void More_stalled_viewers_than_viewers_is_an_error_naming_both()
    {
        var parsed = OptionsParser.Parse(["--subscribers", "2", "--stalled-subscribers", "3"]);

        Assert.Null(parsed.Options);
        Assert.Equal("--stalled-subscribers 3 is more than the 2 --subscribers", parsed.Error);
        Assert.Equal(2, OptionsParser.Parse(["--subscribers", "2", "--stalled-subscribers", "2"]).Options!.StalledSubscribers);
    }

    [Fact]
    public void The_check_can_be_skipped_for_a_target_without_tallies()
    {
        Assert.Null(OptionsParser.Parse(["--check-down-to", "none"]).Options!.CheckDownTo);
        Assert.Equal(Level.Village, OptionsParser.Parse([]).Options!.CheckDownTo);
    }

    [Theory]
    [InlineData("--batch", "1001")]
    [InlineData("--batch", "0")]
    [InlineData("--retries", "101")]
    [InlineData("--target", "localhost:5080")]
    [InlineData("--check-down-to", "kecamatan")]
    [InlineData("--bogus", "1")]
    [InlineData("--seed", "abc")]
    [InlineData("--photos", "1.5")]
    [InlineData("--photos", "-0.1")]
    [InlineData("--photo-pages", "9")]
    [InlineData("--photo-pages", "0")]
    [InlineData("--photo-late", "2")]
    [InlineData("--dispute-share", "x")]
    [InlineData("sprint", "")]
    public void A_wrong_option_is_an_error_naming_it(string option, string value)
    {
        var parsed = OptionsParser.Parse(value.Length == 0 ? [option] : [option, value]);

        Assert.Null(parsed.Options);
        Assert.Contains(option.TrimStart('-'), parsed.Error);
    }

    [Fact]
    public async Task The_help_documents_every_option_the_parser_reads_and_nothing_else()
    {
        var help = new StringWriter();
        Assert.Equal(0, await SimulatorApp.RunAsync(["--help"], help, CancellationToken.None));
        // The program's own options: its help goes on with each sub-command's.
        var options = help.ToString().Split("Options:")[1].Split("Commands:")[0];
        var documented = OptionName().Matches(options).Select(m => m.Value).Distinct().ToList();

        Assert.True(OptionsParser.Parse(["--help"]).HelpRequested);
        Assert.Equal(27, documented.Count);
        foreach (var option in documented.Where(o => o != "--help"))
        {
            var parsed = OptionsParser.Parse([option, SampleValue(option)]);
            Assert.True(parsed.Error is null, $"{option}: {parsed.Error}");
        }
    }

    private static string SampleValue(string option) => option switch
    {
        "--mode" => "flood",
        "--target" => "http://localhost:1",
        "--regions" => "35.79",
        "--check-down-to" => "regency",
        // Alone, any more than none is more than the viewers (none by default).
        "--stalled-subscribers" => "0",
        "--data" or "--registry" => "/tmp",
        "--plain" => "--seed=1",
        _ => "1",
    };

    [GeneratedRegex(@"(?<=^\s+(-\?, -h, )?)--[a-z-]+", RegexOptions.Multiline)]
    private static partial Regex OptionName();
}
