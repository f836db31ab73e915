using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// A seeded election-night mix over whole regencies, sent straight to the TPS grains with many in flight:
/// first forms with duplicates and invalid ones, then corrections with late retries and conflicting rewrites.
/// </summary>
public sealed class Workload(RegionRegistry registry, int seed)
{
    public sealed record Sent(ResultForm Form, string Kind, SubmitOutcome Outcome);

    public async Task<List<Sent>> RunAsync(IGrainFactory grains, IEnumerable<string> regencies)
    {
        var random = new Random(seed);
        var firsts = new List<(string Kind, ResultForm Form)>();
        var seconds = new List<(string Kind, ResultForm Form)>();
        var thirds = new List<(string Kind, ResultForm Form)>();
        foreach (var tps in regencies.SelectMany(registry.TpsUnder))
        {
            foreach (var contest in tps.Contests)
            {
                var v1 = SampleForms.Valid(tps, contest, random);
                firsts.Add(("first", v1));
                if (random.NextDouble() < 0.2) firsts.Add(("retry", v1));
                if (random.NextDouble() < 0.05) firsts.Add(("invalid", v1 with { Registered = v1.Registered + 1 }));
                if (random.NextDouble() < 0.05) seconds.Add(("conflict", SampleForms.Valid(tps, contest, random)));
                if (random.NextDouble() < 0.15)
                {
                    var v2 = SampleForms.Correction(v1, tps, contest, random);
                    seconds.Add(("correction", v2));
                    seconds.Add(("late-retry", v1));
                    if (random.NextDouble() < 0.3) thirds.Add(("correction", SampleForms.Correction(v2, tps, contest, random)));
                }
            }
        }
        var sent = new List<Sent>();
        foreach (var wave in new[] { firsts, seconds, thirds })
        {
            Shuffle(wave, random);
            await Parallel.ForEachAsync(wave, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) =>
            {
                var outcome = await grains.GetGrain<ITpsGrain>(item.Form.Tps).Submit(item.Form, "test-officer", SubmitterRights.Ordinary);
                lock (sent) sent.Add(new Sent(item.Form, item.Kind, outcome));
            });
        }
        return sent;
    }

    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
