using System.Diagnostics;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// The spec, not our code, is what a third party implements: a few lines of Python (proof_check.py, beside this file)
/// read API.md's proof test vector and check it by "Checking a proof" alone. It passes on the document as written,
/// and fails, as the verifier does, on a copy whose district text was changed.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class CrossLanguageProofTests(ITestOutputHelper log)
{
    private async Task<(int ExitCode, string Output, string Error)> PythonAsync(string apiMd)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "proof_check.py"));
        start.ArgumentList.Add(apiMd);
        using var python = Process.Start(start)!;
        var (output, error) = (python.StandardOutput.ReadToEndAsync(), python.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await python.WaitForExitAsync(timeout.Token);
        log.WriteLine($"python3 proof_check.py {apiMd}: exit {python.ExitCode}\n{await output}\n{await error}");
        return (python.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Python_verifies_the_vector_as_written()
    {
        var (exitCode, output, _) = await PythonAsync(Path.Combine(Repository.Root, "docs", "API.md"));

        Assert.Equal(0, exitCode);
        Assert.Equal("OK", output.Trim());
    }

    [Fact]
    public async Task Python_and_the_verifier_both_fail_a_copy_with_a_changed_district_number()
    {
        var api = ProofVector.Api;
        var marker = api.IndexOf("<!-- proof-test-vector -->", StringComparison.Ordinal);
        // The first "votes.2 470" after the marker is the district's (35.79.01), the first level holding the total.
        var at = api.IndexOf("votes.2 470", marker, StringComparison.Ordinal);
        Assert.True(api.IndexOf("region 35.79.01\\n", marker, StringComparison.Ordinal) < at, "the district's text comes first");
        var tampered = Path.Combine(Repository.TestResults, $"API-{Guid.NewGuid():N}.md");
        var changed = api[..at] + "votes.2 471" + api[(at + "votes.2 470".Length)..];
        File.WriteAllText(tampered, changed);

        var (exitCode, output, error) = await PythonAsync(tampered);

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("OK", output);
        Assert.Contains("breaks at 35.79.01: its parent does not commit to", error);

        var start = changed.IndexOf("```json\n", marker, StringComparison.Ordinal) + "```json\n".Length;
        var proof = changed[start..changed.IndexOf("\n```", start, StringComparison.Ordinal)];
        var verifier = await VerifierRun.RunAsync("prove", "--contest", ProofVector.Contest, "--tps", ProofVector.TpsCode, "--proof", ProofVector.Save(proof),
            "--receipt", ProofVector.Digest(ProofVector.TpsCode), "--top", ProofVector.Top);
        log.WriteLine(verifier.ToString());
        Assert.Equal(1, verifier.ExitCode);
        Assert.StartsWith("breaks at 35.79.01 (district): ", verifier.Lines[^1]);
    }
}
