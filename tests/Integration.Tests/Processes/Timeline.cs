using System.Diagnostics;
using KpuOrleans.Forms;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>A rehearsal's phases and what it says, stamped with the seconds since it began.</summary>
public sealed class Timeline(ITestOutputHelper output, Stopwatch clock)
{
    private readonly List<(string Name, DateTime Start)> _phases = [];

    /// <summary>Phases in order, each ending where the next begins (the last at <see cref="End"/>).</summary>
    public IReadOnlyList<(string Name, DateTime Start, DateTime End)> Phases =>
        [.. _phases.Select((p, i) => (p.Name, p.Start, i + 1 < _phases.Count ? _phases[i + 1].Start : End ?? DateTime.UtcNow))];

    public DateTime? End { get; private set; }

    public void Say(string line) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:N1} s {DateTime.UtcNow:HH:mm:ss}] {line}");

    public void Begin(string phase)
    {
        if (_phases.Count > 0 && _phases[^1].Name == phase) return;
        _phases.Add((phase, DateTime.UtcNow));
        Say($"-- {phase}");
    }

    public async Task PhaseAsync(string phase, TimeSpan duration)
    {
        Begin(phase);
        await Task.Delay(duration);
    }

    public void Finish() => End ??= DateTime.UtcNow;

    public void PrintRequests(IReadOnlyCollection<(ResultForm Form, int Status, DateTime At, DateTime Answered)> sent, DateTime killedAt)
    {
        Finish();
        foreach (var (name, start, end) in Phases)
        {
            var inPhase = sent.Where(s => s.At >= start && s.At < end).ToList();
            var seconds = (end - start).TotalSeconds;
            Say($"{name,-20} {seconds,5:N1} s  {inPhase.Count,6:N0} requests ({inPhase.Count / seconds,5:N0}/s)  " +
                string.Join(", ", inPhase.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key)}: {g.Count():N0}")));
        }
        var inFlight = sent.Where(s => s.At < killedAt && s.Answered >= killedAt).ToList();
        Say($"requests answered before the SIGKILL: {sent.Count(s => s.Answered < killedAt):N0}, of them not 200/201: " +
            $"{sent.Count(s => s.Answered < killedAt && s.Status is not (200 or 201))}; in flight at the SIGKILL: {inFlight.Count} " +
            $"({string.Join(", ", inFlight.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key)}: {g.Count()}"))}, " +
            $"answered after {(inFlight.Count == 0 ? 0 : inFlight.Max(s => (s.Answered - killedAt).TotalSeconds)):N1} s at most)");
    }
}
