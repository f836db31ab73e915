using KpuOrleans.Verifier.Checking;
using KpuOrleans.Verifier.Cli;
using KpuOrleans.Verifier.Download;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Photos;
using KpuOrleans.Verifier.Proofs;

namespace KpuOrleans.Verifier;

/// <summary>The command line: parse, run, and turn what was found into an exit code (see <c>--help</c>).</summary>
public static class VerifierApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            switch (CommandLine.Parse(args))
            {
                case HelpCommand help:
                    help.Write(output);
                    return VerificationReport.Matches;
                case DownloadCommand download:
                    await DownloadAsync(download.Api, new EvidenceFolder(download.Out), download.Contests, download.Parallel, output, cancellationToken);
                    output.WriteLine($"Saved in {Path.GetFullPath(download.Out)}; check it with: check {download.Out}");
                    return VerificationReport.Matches;
                case CheckCommand { Api: { } api } check:
                    return await CheckApiAsync(api, check.Contests, check.Parallel, check.Photos, output, cancellationToken);
                case CheckCommand check:
                    return Check(new EvidenceFolder(check.Folder!), check.Contests, output);
                case ProveCommand prove:
                    return await ProveAsync(prove, output, cancellationToken);
                default:
                    throw new UsageException("no command");
            }
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("Run with --help for the commands.");
            return VerificationReport.CannotTell;
        }
        catch (EvidenceException e)
        {
            error.WriteLine($"error: {e.Message}");
            return VerificationReport.CannotTell;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("Interrupted: nothing was checked.");
            return VerificationReport.CannotTell;
        }
    }

    private static int Check(EvidenceFolder folder, IReadOnlyList<string>? contests, TextWriter output) =>
        Check(folder.LoadEach(contests), output, offline: true);

    /// <param name="evidence">Read once, a contest at a time, each let go once checked.</param>
    private static int Check(IEnumerable<ContestEvidence> evidence, TextWriter output, bool offline)
    {
        var photographed = 0;
        var report = VerificationReport.Check(evidence.Select(contest =>
        {
            photographed += contest.Rows.Count(r => r.Photos is { Count: > 0 });
            return contest;
        }));
        foreach (var note in report.Notes) output.WriteLine(note);
        if (offline && photographed > 0)
            output.WriteLine($"photos: {photographed} forms cite photos; they are checked against the API only (check --api)");
        foreach (var difference in report.Differences) output.WriteLine(difference);
        output.WriteLine(report.Summary);
        return report.ExitCode;
    }

    private static async Task<int> CheckApiAsync(Uri api, IReadOnlyList<string>? contests, int parallel, PhotoSelection? photos, TextWriter output,
        CancellationToken cancellationToken)
    {
        var folder = new EvidenceFolder(Path.Combine(Path.GetTempPath(), $"kpu-verifier-{Guid.NewGuid():N}"));
        try
        {
            var downloaded = await DownloadAsync(api, folder, contests, parallel, output, cancellationToken);
            // Exactly what was downloaded: contests.json lists every contest, the folder holds the chosen ones. Read
            // twice, a contest at a time (photos, then numbers), rather than all of a national count held at once.
            string[] chosen = [.. downloaded.Select(c => c.Id)];
            using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };
            var report = await new PhotoCheck(http, parallel).RunAsync(folder.LoadEach(chosen), photos, cancellationToken);
            // Notes first, as the numbers' own: the last line stays the numbers' summary unless photos were checked.
            foreach (var note in report.Notes) output.WriteLine(note);
            var numbers = Check(folder.LoadEach(chosen), output, offline: false);
            foreach (var problem in report.Problems) output.WriteLine(problem);
            if (report.Cited > 0 || report.Problems.Count > 0) output.WriteLine(report.Summary);
            return report.Clean ? numbers : Math.Max(numbers, VerificationReport.Differs);
        }
        finally
        {
            if (Directory.Exists(folder.Path)) Directory.Delete(folder.Path, recursive: true);
        }
    }

    /// <summary>The proof fetched and checked against what the API publishes, or a saved one checked on its own (and against <c>--top</c>).</summary>
    private static async Task<int> ProveAsync(ProveCommand prove, TextWriter output, CancellationToken cancellationToken)
    {
        var form = prove.Form is null ? null : PhotographedForm.Read(prove.Form);
        if (form is not null && (form.Contest != prove.Contest || form.Tps != prove.Tps))
            throw new UsageException($"the form {prove.Form} is of {form.Contest} {form.Tps}, not of --contest {prove.Contest} --tps {prove.Tps}");
        ProofVerdict verdict;
        if (prove.Api is { } api)
        {
            using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };
            verdict = await new ProofReader(new PublicApi(http), output).CheckAsync(prove.Contest, prove.Tps, prove.Receipt, form, prove.Certificate, prove.Save,
                cancellationToken);
        }
        else
        {
            var proof = InclusionProof.Parse(ReadProof(prove.Proof!), prove.Proof!);
            var question = new ProofQuestion(prove.Contest, prove.Tps, ContestScope.Of(prove.Contest)!, prove.Receipt, form);
            verdict = ProofCheck.Run(proof, question, prove.Top is { } top ? new PublishedSide([top], "--top") : PublishedSide.Unknown);
        }
        verdict.Write(output);
        return verdict.ExitCode;
    }

    private static string ReadProof(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException($"cannot read the proof {file}: {e.Message}");
        }
    }

    private static async Task<IReadOnlyList<ContestInfo>> DownloadAsync(Uri api, EvidenceFolder folder, IReadOnlyList<string>? contests, int parallel,
        TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };
        return await new Downloader(new PublicApi(http), output, parallel).DownloadAsync(folder, contests, cancellationToken);
    }
}
