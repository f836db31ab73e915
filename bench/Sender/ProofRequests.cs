using System.Text;
using KpuOrleans.Registry;
using KpuOrleans.Simulator;
using KpuOrleans.Simulator.Options;

namespace KpuOrleans.Bench.Sender;

/// <summary>A TPS's path in one race: what a proof request names.</summary>
internal sealed record ProofPath(string Contest, string Tps, string Scope)
{
    public string RequestPath => $"api/v1/proof/{Uri.EscapeDataString(Contest)}/{Uri.EscapeDataString(Tps)}";
}

/// <summary>
/// The proof mode's load (<c>--proofs N</c>): N <c>GET /api/v1/proof/{contest}/{tps}</c> requests, each path drawn at
/// random (the run's seed) from every TPS and race of the slice (<c>--contest</c> keeps one race), built before the
/// clock starts. A slice of one TPS and one race asks the same proof again and again.
/// </summary>
internal sealed class ProofRequests
{
    private ProofRequests(IReadOnlyList<RegionInfo> slice, IReadOnlyList<ProofPath> paths, IReadOnlyList<ProofPath> picks, IReadOnlyList<PreparedRequest> requests)
    {
        Slice = slice;
        Paths = paths;
        Picks = picks;
        Requests = requests;
    }

    public IReadOnlyList<RegionInfo> Slice { get; }

    /// <summary>Every path of the slice, the pool the picks are drawn from.</summary>
    public IReadOnlyList<ProofPath> Paths { get; }

    /// <summary>The path of each request, in sending order.</summary>
    public IReadOnlyList<ProofPath> Picks { get; }

    public IReadOnlyList<PreparedRequest> Requests { get; }

    public string SliceName => Slice is [{ Level: Level.Province or Level.Nation } root] ? $"the whole of {root.Name}" : $"regions {string.Join(",", Slice.Select(r => r.Code))}";

    public static ProofRequests Build(SenderOptions options)
    {
        var registry = RegionRegistry.Load(RegistryFiles.InFolder(options.DataFolder ?? Path.Combine(AppContext.BaseDirectory, "data")));
        var slice = SimulationRunner.Slice(registry, new SimulatorOptions { Regions = options.Regions });
        var paths = slice.SelectMany(r => registry.TpsUnder(r.Code)).DistinctBy(t => t.Code)
            .SelectMany(tps => tps.Contests.Where(c => options.Contest is null || c.Id == options.Contest).Select(c => new ProofPath(c.Id, tps.Code, c.Scope)))
            .ToList();
        if (paths.Count == 0) throw new ArgumentException($"no TPS of the slice is in race {options.Contest}");

        var random = new Random(unchecked((int)options.Seed));
        var host = options.Target.IsDefaultPort ? options.Target.Host : $"{options.Target.Host}:{options.Target.Port}";
        var picks = new ProofPath[options.Proofs];
        var requests = new PreparedRequest[options.Proofs];
        for (var i = 0; i < picks.Length; i++)
        {
            picks[i] = paths[random.Next(paths.Count)];
            var head = $"GET {options.Target.AbsolutePath}{picks[i].RequestPath} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n";
            requests[i] = new PreparedRequest(Encoding.ASCII.GetBytes(head), i, 1, null, 0);
        }
        return new ProofRequests(slice, paths, picks, requests);
    }

    /// <summary>For wrk (bench/wrk/proofs.lua): every path of the slice, one request path a line, which it picks from at random.</summary>
    public async Task DumpAsync(string path, Uri target) =>
        await File.WriteAllLinesAsync(path, Paths.Select(p => target.AbsolutePath + p.RequestPath), new UTF8Encoding(false));
}
