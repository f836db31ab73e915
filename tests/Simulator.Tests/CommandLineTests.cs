namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The command line as typed: help written from the option definitions for the program and each sub-command, and
/// every mistake a usage error (exit 2) that names what was wrong, before anything is sent.
/// </summary>
public class CommandLineTests
{
    /// <summary>What a night or a flood reads; outside tools pass these, so they are a contract.</summary>
    private static readonly string[] RunOptions =
    [
        "--mode", "--target", "--regions", "--seed", "--speed", "--concurrency", "--batch", "--retries", "--corrections",
        "--invalid", "--subscribers", "--stalled-subscribers", "--settle", "--timeout", "--attempts", "--check-down-to", "--report-json", "--token-key",
        "--registry", "--data", "--plain", "--progress-interval",
    ];

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exitCode = await SimulatorApp.RunAsync(args, output, CancellationToken.None);
        return (exitCode, output.ToString());
    }

    /// <summary>The help's section for one command: from its usage line to the next command's.</summary>
    private static string SectionOf(string help, string usage) =>
        help[help.IndexOf(usage, StringComparison.Ordinal)..] is var rest && rest.IndexOf("Description:", StringComparison.Ordinal) is var next and > 0
            ? rest[..next]
            : rest;

    private static void AssertDescribed(string help, string option) =>
        Assert.Matches($@"(?m)^\s+(-\?, -h, )?{option}( <[^>]+>)?\s{{2,}}\S", help);

    [Theory]
    [InlineData("--help")]
    [InlineData("night", "--help")]
    [InlineData("-h")]
    public async Task Help_lists_every_option_of_a_night_with_its_description_and_exits_0(params string[] args)
    {
        var (exitCode, help) = await RunAsync(args);

        Assert.Equal(0, exitCode);
        var night = SectionOf(help, "KpuOrleans.Simulator [command] [options]");
        foreach (var option in RunOptions) AssertDescribed(night, option);
        Assert.Contains("--speed <X>", night);
        Assert.Contains("[default: 720]", night);
        Assert.Contains("Exit code: 0 when every answer and every tally was as expected; 1 otherwise; 2 for a usage error", help);
    }

    [Theory]
    [InlineData("token", "--region,--role,--expires,--subject,--key,--issuer", "--target")]
    [InlineData("certify", "--target,--regions,--token-key,--registry,--data", "--seed")]
    public async Task Each_sub_command_has_help_of_its_own_options(string command, string options, string notAnOption)
    {
        var (exitCode, help) = await RunAsync(command, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains($"KpuOrleans.Simulator {command} [options]", help);
        foreach (var option in options.Split(',')) AssertDescribed(help, option);
        Assert.DoesNotContain(notAnOption, help);
    }

    [Theory]
    [InlineData("--batch 0", "--batch '0' must be a whole number from 1 to 1000")]
    [InlineData("--speed fast", "--speed 'fast' must be a number")]
    [InlineData("flood --bogus 1", "unknown option --bogus")]
    [InlineData("--concurrency", "--concurrency needs a value")]
    [InlineData("--seed 1 --seed 2", "--seed is given more than once")]
    [InlineData("--seed 1 flood", "unexpected argument 'flood'")]
    [InlineData("certify --speed 60", "unknown option --speed")]
    [InlineData("certify --target localhost", "--target 'localhost' is not an http(s) URL")]
    [InlineData("token --region 35 --role ppk --colour red", "unknown option --colour")]
    [InlineData("token --region 35 --role mayor", "--role must be one of kpps, pps, ppk, kabkota, provinsi, kpuri")]
    [InlineData("flood --registry data/indonesia --data data", "--registry and --data name the same folder (--data is its older name): give one")]
    [InlineData("certify --data data --registry data/indonesia", "--registry and --data name the same folder (--data is its older name): give one")]
    public async Task A_mistake_is_a_usage_error_naming_it(string args, string error)
    {
        var (exitCode, output) = await RunAsync(args.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Contains($"error: {error}", output);
        Assert.Contains("--help", output);
    }
}
