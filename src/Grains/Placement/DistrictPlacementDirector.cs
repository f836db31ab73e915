using System.IO.Hashing;
using System.Text;
using Orleans.Runtime.Placement;

namespace KpuOrleans.Placement;

/// <summary>
/// Rendezvous hashing of a grain's district over the silos that can host it: each silo gets a score from the district's
/// code and the silo's address, the highest wins. Every silo computes the same answer with no shared table; a silo
/// that dies hands its districts to the others spread evenly (each district to its next-ranked silo), and a silo that
/// joins takes about its share of the districts activated after it joined. Activations already placed never move.
/// </summary>
public sealed class DistrictPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var group = GroupOf(target.GrainIdentity.Key.ToString()!);
        SiloAddress? best = null;
        ulong bestScore = 0;
        foreach (var silo in silos)
        {
            var score = Score(group, silo);
            if (best is null || score > bestScore) (best, bestScore) = (silo, score);
        }
        return Task.FromResult(best ?? throw new OrleansException($"no silo can host {target.GrainIdentity}"));
    }

    /// <summary>
    /// The district's code (<c>35.78.01</c>) of a TPS, village or district; a regency's or province's own code (they
    /// rank on their own, as each hears children from several silos anyway).
    /// </summary>
    public static string GroupOf(string code) => code.Length > 8 ? code[..8] : code;

    public static ulong Score(string group, SiloAddress silo) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{group}|{silo.ToParsableString()}"));
}
