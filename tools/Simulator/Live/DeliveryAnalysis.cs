using KpuOrleans.Registry;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Live;

/// <summary>
/// What the viewers saw: <see cref="Seen"/>, the delay until a message provably included each form;
/// <see cref="CaughtUp"/>, the delay until a message's version reached the region's version right after the form
/// (display lag); forms no message provably included; and subscriptions that showed more than was accepted.
/// </summary>
internal sealed record DeliveryReport(DelayHistograms Seen, DelayHistograms CaughtUp, long Unproven, IReadOnlyList<string> Problems);

/// <summary>
/// When did a viewer first see a form? A tally is a sum, so which forms it includes cannot be read off one message;
/// this proves it instead, from two facts of the contract:
/// <list type="number">
/// <item>A region's <c>version</c> is the sum, over its TPS, of the form version it includes (0 for none).</item>
/// <item>Its <c>updatedAt</c> is the newest <c>acceptedAt</c> among the forms it includes (each level keeps the
/// maximum of its children's), so it includes no form accepted after that instant.</item>
/// </list>
/// Let K(u) be the sum over the region's TPS of the newest version accepted at or before u (from the 201s; a form
/// whose fate stayed unknown counts as accepted from the start). A message with version V and updatedAt u includes,
/// at each TPS, at most what was accepted by u, so the slack s = K(u) − V is exactly how many version steps it is
/// missing. A form at version v of a TPS whose newest version accepted by u is A is provably included when A − v ≥ s
/// (even if all s missing steps were at that TPS, it would still hold at least v). In particular a message with
/// s = 0 includes every form accepted by u. The delay of a form accepted after the viewer subscribed is from its
/// <c>acceptedAt</c> to the arrival of the first message that proves it; this can only be later than the true first inclusion, never earlier. It
/// compares the server's clock with the simulator's, so both must agree (same host, or NTP).
/// <para>Under a sustained flood a busy region (a regency, the province) is never complete for its own updatedAt —
/// some branch below it is always a flush behind — so few messages prove anything until the traffic stops, and the
/// proven delay there is mostly time-to-quiet. The display lag is measured too: the first message whose version
/// reached K(acceptedAt of the form), i.e. a tally holding as many changes as had been accepted when the form was.
/// That says how far behind the viewer is, not that this very form is in.</para>
/// </summary>
internal static class DeliveryAnalysis
{
    public static DeliveryReport Analyse(IEnumerable<SubscriptionLog> logs, IReadOnlyList<TpsRace> races)
    {
        var byContest = races.GroupBy(r => r.Contest.Id).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var seen = new DelayHistograms();
        var caughtUp = new DelayHistograms();
        long unproven = 0;
        var problems = new List<string>();
        foreach (var log in logs)
        {
            var region = log.Target.Region;
            var code = RegionCode.Parse(region.Code);
            var inRegion = byContest.GetValueOrDefault(log.Target.Contest.Id, [])
                .Where(r => RegionCode.Parse(r.Tps.Code).IsWithin(code))
                .ToList();
            var result = Analyse(log, inRegion);
            foreach (var delay in result.Seen) seen.Record(region.Level, delay);
            foreach (var delay in result.CaughtUp) caughtUp.Record(region.Level, delay);
            unproven += result.Unproven;
            if (result.Problem is { } problem) problems.Add($"viewer {log.Connection} of {log.Target}: {problem}");
        }
        return new DeliveryReport(seen, caughtUp, unproven, problems);
    }

    private sealed record Result(List<TimeSpan> Seen, List<TimeSpan> CaughtUp, int Unproven, string? Problem);

    private static Result Analyse(SubscriptionLog log, List<TpsRace> races)
    {
        // Every accepted version, in acceptance order.
        var events = races
            .SelectMany((race, index) => race.Accepted.Select(a => (At: a.AcceptedAt, Race: index, a.Form.Version)))
            .OrderBy(e => e.At).ThenBy(e => e.Version)
            .ToList();
        var unknown = races.Count(r => r.Unresolved is not null);
        var messages = log.Messages.Where(m => m.UpdatedAt is not null).OrderBy(m => m.UpdatedAt).ToList();

        var newest = new long[races.Count];
        var corrected = new HashSet<int>();
        long sum = unknown;
        var next = 0;
        var complete = new List<(DateTimeOffset UpdatedAt, DateTime ReceivedAt)>();
        var provenAt = new Dictionary<(int Race, long Version), DateTime>();
        string? problem = null;
        foreach (var message in messages)
        {
            var updatedAt = message.UpdatedAt!.Value;
            for (; next < events.Count && events[next].At <= updatedAt; next++)
            {
                var (_, race, version) = events[next];
                if (version <= newest[race]) continue;
                sum += version - newest[race];
                if (version > 1) corrected.Add(race);
                newest[race] = version;
            }
            var slack = sum - message.Version;
            if (slack < 0)
            {
                problem ??= $"a message shows version {message.Version:N0} with updatedAt {updatedAt:O}, but only {sum:N0} version steps had been accepted by then";
                continue;
            }
            if (slack == 0)
            {
                complete.Add((updatedAt, message.ReceivedAt));
                continue;
            }
            // Some steps are missing: still, an early version of a corrected TPS may be provably in.
            foreach (var race in corrected)
            {
                for (long version = 1; newest[race] - version >= slack; version++)
                {
                    if (!provenAt.TryGetValue((race, version), out var at) || message.ReceivedAt < at) provenAt[(race, version)] = message.ReceivedAt;
                }
            }
        }

        // The earliest arrival among the complete messages at or after each instant.
        var earliestFrom = new DateTime[complete.Count];
        for (var i = complete.Count - 1; i >= 0; i--)
            earliestFrom[i] = i == complete.Count - 1 || complete[i].ReceivedAt < earliestFrom[i + 1] ? complete[i].ReceivedAt : earliestFrom[i + 1];

        var delays = new List<TimeSpan>(events.Count);
        var unproven = 0;
        foreach (var (at, race, version) in events)
        {
            if (at.UtcDateTime < log.SubscribedAt) continue;
            DateTime? seen = provenAt.TryGetValue((race, version), out var early) ? early : null;
            var first = FirstAtOrAfter(complete, at);
            if (first < complete.Count && (seen is null || earliestFrom[first] < seen)) seen = earliestFrom[first];
            if (seen is { } arrived) delays.Add(Delay(arrived, at));
            else unproven++;
        }
        return new Result(delays, CaughtUp(log, events, unknown), unproven, problem);
    }

    /// <summary>For each form, from its acceptance to the first message whose version reached K(acceptedAt).</summary>
    private static List<TimeSpan> CaughtUp(SubscriptionLog log, List<(DateTimeOffset At, int Race, long Version)> events, int unknown)
    {
        // The highest version shown so far, in arrival order.
        var arrivals = log.Messages.OrderBy(m => m.ReceivedAt).ToList();
        var highest = new long[arrivals.Count];
        for (var i = 0; i < arrivals.Count; i++) highest[i] = Math.Max(arrivals[i].Version, i == 0 ? 0 : highest[i - 1]);

        var delays = new List<TimeSpan>(events.Count);
        long steps = unknown;
        for (var i = 0; i < events.Count; i++)
        {
            steps++;
            // Forms accepted at the same instant count together.
            var j = i;
            while (j + 1 < events.Count && events[j + 1].At == events[i].At) j++;
            var reached = Array.BinarySearch(highest, steps + (j - i));
            var index = reached >= 0 ? FirstOf(highest, reached) : ~reached;
            if (index < arrivals.Count && events[i].At.UtcDateTime >= log.SubscribedAt) delays.Add(Delay(arrivals[index].ReceivedAt, events[i].At));
        }
        return delays;
    }

    private static int FirstOf(long[] sorted, int index)
    {
        while (index > 0 && sorted[index - 1] == sorted[index]) index--;
        return index;
    }

    private static TimeSpan Delay(DateTime arrived, DateTimeOffset accepted)
    {
        var delay = arrived - accepted.UtcDateTime;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    private static int FirstAtOrAfter(List<(DateTimeOffset UpdatedAt, DateTime ReceivedAt)> complete, DateTimeOffset at)
    {
        int low = 0, high = complete.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (complete[mid].UpdatedAt < at) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
