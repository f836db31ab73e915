using KpuOrleans.TestKit;

namespace KpuOrleans.Verifier.Tests;

/// <summary>Usage errors and evidence that cannot be had: exit code 2 and a message that says what to do.</summary>
public class CommandLineTests
{
    [Fact]
    public async Task Help_describes_the_commands_files_and_exit_codes()
    {
        var run = await VerifierRun.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("download --api URL --out FOLDER", run.Output);
        Assert.Contains("check FOLDER", run.Output);
        Assert.Contains("{contest}.tallies.json", run.Output);
        Assert.Contains("Exit code: 0 when everything matches; 1 when there are differences; 2", run.Output);
    }

    [Theory]
    [InlineData("check", "--api <URL>", "--out")]
    [InlineData("download", "--out <FOLDER>", "<FOLDER>  A folder")]
    public async Task Each_command_has_help_of_its_own_options_generated_from_their_definitions(string command, string has, string hasNot)
    {
        var run = await VerifierRun.RunAsync(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"KpuOrleans.Verifier {command} ", run.Output);
        Assert.Contains(has, run.Output);
        Assert.DoesNotContain(hasNot, run.Output);
        Assert.Matches(@"(?m)^\s+--parallel <N>\s+Requests in flight at once \(1-64\)\.", run.Output);
        Assert.Contains("[default: 16]", run.Output);
    }

    [Fact]
    public async Task The_help_describes_every_option_of_every_command()
    {
        var run = await VerifierRun.RunAsync("--help");

        foreach (var option in new[] { "--api <URL>", "--out <FOLDER>", "--contests <IDS>", "--parallel <N>" })
            Assert.Matches($@"(?m)^\s+{option}\s+\S", run.Output);
        Assert.Contains("Exit code: 0 when everything matches", run.Output);
    }

    private const string Digest = "8b76e2c5068fc6a1c88ee88683668a79a3527899f26d1f0cd0b345612f4bf612";

    [Fact]
    public async Task Help_describes_prove_its_checks_and_its_exit_codes()
    {
        var run = await VerifierRun.RunAsync("--help");

        Assert.Contains("prove --contest ID --tps CODE (--receipt DIGEST | --form FILE)", run.Output);
        Assert.Contains("(--api URL [--certificate none|CODE|DIGEST] [--save FILE] | --proof FILE [--top DIGEST])", run.Output);
        foreach (var option in new[] { "--receipt <DIGEST>", "--form <FILE>", "--proof <FILE>", "--save <FILE>", "--certificate <none|CODE|DIGEST>", "--top <DIGEST>" })
            Assert.Matches($@"(?m)^\s+{System.Text.RegularExpressions.Regex.Escape(option)}\s+\S", run.Output);
        Assert.Contains("prove's exit code: 0 when the form is inside the total", run.Output);
        Assert.Contains("1 when the proof breaks", run.Output);
    }

    [Fact]
    public async Task A_form_of_another_TPS_or_not_a_form_is_2()
    {
        var other = ProofVector.SaveForm();
        var run = await VerifierRun.RunAsync("prove", "--contest", "PGUB-35", "--tps", "35.79.01.1001.002", "--form", other, "--proof", other);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is of PGUB-35 35.79.01.1001.001, not of --contest PGUB-35 --tps 35.79.01.1001.002", run.Error);

        var broken = ProofVector.Save("{\"tps\": \"35.79.01.1001.001\"}");
        run = await VerifierRun.RunAsync("prove", "--contest", "PGUB-35", "--tps", "35.79.01.1001.001", "--form", broken, "--proof", broken);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is not a form as POST /api/v1/results takes it: \"votes\" is missing or not an object", run.Error);

        run = await VerifierRun.RunAsync("prove", "--contest", "PGUB-35", "--tps", "35.79.01.1001.001", "--receipt", Digest, "--proof", broken);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is not a proof as API.md describes it: \"against\" is missing or not a string", run.Error);
    }

    [Theory]
    [InlineData("check", "check needs either a FOLDER written by download or --api URL, not both")]
    [InlineData("check some-folder --api http://localhost:5080", "check needs either a FOLDER")]
    [InlineData("download --out some-folder", "download needs --api URL")]
    [InlineData("download --api http://localhost:5080", "download needs --out FOLDER")]
    [InlineData("download --api localhost:5080 --out x", "--api 'localhost:5080' is not an http(s) URL")]
    [InlineData("check some-folder --out x", "unknown option --out for check")]
    [InlineData("check some-folder --parallel 0", "--parallel '0' must be a whole number from 1 to 64")]
    [InlineData("verify some-folder", "unknown command 'verify' (download, check or prove)")]
    [InlineData("prove --tps 35.78.01.1001.001 --receipt " + Digest + " --api http://localhost:5080", "prove needs --contest ID")]
    [InlineData("prove --contest PGUB-35 --receipt " + Digest + " --api http://localhost:5080", "prove needs --tps CODE")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01 --api http://localhost:5080", "--tps '35.78.01' is not a TPS code")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --api http://localhost:5080", "prove needs either --receipt DIGEST or --form FILE, not both")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --receipt abc --api http://localhost:5080", "--receipt 'abc' is not a digest: 64 hex characters")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --form f.json", "prove needs either --api URL (fetch the proof) or --proof FILE (a saved one), not both")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --form f.json --proof p.json --save s.json", "--save needs --api URL")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --form f.json --proof p.json --certificate none", "--certificate needs --api URL")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --form f.json --api http://localhost:5080 --top " + Digest, "--top is for a saved proof")]
    [InlineData("prove --contest PGUB-35 --tps 35.78.01.1001.001 --form f.json --api http://localhost:5080 --certificate 35.78.01.1001.001", "--certificate '35.78.01.1001.001' must be none, a region code")]
    [InlineData("prove --contest governor --tps 35.78.01.1001.001 --form f.json --proof p.json", "--contest 'governor' does not end in its scope's code")]
    [InlineData("check a b", "unexpected argument 'b'")]
    [InlineData("check a --parallel", "--parallel needs a value")]
    [InlineData("check --bogus=1", "unknown option --bogus for check")]
    [InlineData("check a --parallel 2 --parallel 3", "--parallel is given more than once")]
    public async Task A_usage_error_is_2_and_says_what_is_wrong(string args, string error)
    {
        var run = await VerifierRun.RunAsync(args.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {error}", run.Error);
        Assert.Contains("--help", run.Error);
    }

    [Fact]
    public async Task A_folder_that_is_not_there_is_2()
    {
        var missing = Path.Combine(Repository.TestResults, $"missing-{Guid.NewGuid():N}");

        var run = await VerifierRun.RunAsync("check", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {missing} does not exist (write it with the download command)", run.Error.Trim());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Each_missing_file_is_named()
    {
        var copy = new EvidenceCopy(VectorFolder.Write());
        File.Delete(copy.Folder.TalliesFile("PGUB-35"));
        var run = await VerifierRun.RunAsync("check", copy.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {copy.Folder.TalliesFile("PGUB-35")} is missing: checking PGUB-35 needs both its export and its published tallies", run.Error);

        File.Delete(copy.Folder.ExportFile("PGUB-35"));
        run = await VerifierRun.RunAsync("check", copy.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("holds no contest's files: expected {contest}.csv and {contest}.tallies.json", run.Error);

        run = await VerifierRun.RunAsync("check", copy.Path, "--contests", "PGUB-35");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {copy.Folder.ExportFile("PGUB-35")} is missing", run.Error);

        File.Delete(copy.Folder.ContestsFile);
        run = await VerifierRun.RunAsync("check", copy.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {copy.Folder.ContestsFile} is missing", run.Error);
    }

    [Fact]
    public async Task A_contest_the_folder_does_not_list_and_a_broken_tallies_file_are_2()
    {
        var copy = new EvidenceCopy(VectorFolder.Write());
        var run = await VerifierRun.RunAsync("check", copy.Path, "--contests", "PWAL-35.79");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("lists no contest PWAL-35.79", run.Error);

        File.WriteAllText(copy.Folder.TalliesFile("PGUB-35"), "[{\"region\": \"35\", ");
        run = await VerifierRun.RunAsync("check", copy.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {copy.Folder.TalliesFile("PGUB-35")} is not JSON", run.Error);

        copy.ChangeTallyText("PGUB-35", "[{\"region\": \"35\", \"votes\": {\"1\": 0}, \"valid\": \"many\"}]");
        run = await VerifierRun.RunAsync("check", copy.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("tally #1 (35): \"valid\" is \"many\", not a whole number", run.Error);
    }

    [Fact]
    public async Task An_API_that_does_not_answer_is_2()
    {
        var run = await VerifierRun.RunAsync("check", "--api", $"http://127.0.0.1:{FreePorts.Next()}");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: GET http://127.0.0.1:", run.Error);
        Assert.Contains("/api/v1/contests failed", run.Error);
    }

    [Fact]
    [Trait(Lanes.Category, Lanes.Slow)]
    public async Task The_built_program_exits_2_on_a_missing_folder()
    {
        var missing = Path.Combine(Repository.TestResults, $"missing-{Guid.NewGuid():N}");
        await using var verifier = KpuProcess.Program("verifier-missing-folder", "tools/Verifier", "KpuOrleans.Verifier.dll",
            new Dictionary<string, string?>(), "check", missing);

        var (exitCode, output) = await verifier.RunToEndAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains($"error: {missing} does not exist", output);
    }
}
