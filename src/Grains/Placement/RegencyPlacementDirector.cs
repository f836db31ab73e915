using System.IO.Hashing;
using System.Text;
using Orleans.Runtime.Placement;

namespace KpuOrleans.Placement;

/// <summary>
/// Rendezvous hashing of a grain's regency over the silos that can host it: each silo gets a score from the regency's
/// code and the silo's address, the highest wins. Every silo computes the same answer with no shared table; a silo
/// that dies hands its regencies to the others spread evenly (each regency to its next-ranked silo), and a silo that
/// joins takes about its share of the regencies activated after it joined. Activations already placed never move.
/// </summary>
public sealed class RegencyPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var regency = RegencyOf(target.GrainIdentity.Key.ToString()!);
        SiloAddress? best = null;
        ulong bestScore = 0;
        foreach (var silo in silos)
        {
            var score = Score(regency, silo);
            if (best is null || score > bestScore) (best, bestScore) = (silo, score);
        }
        return Task.FromResult(best ?? throw new OrleansException($"no silo can host {target.GrainIdentity}"));
    }

    /// <summary>The regency's code (<c>35.78</c>) of any code at or below it, or the province's own code.</summary>
    public static string RegencyOf(string code) => code.Length > 5 ? code[..5] : code;

    public static ulong Score(string regency, SiloAddress silo) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{regency}|{silo.ToParsableString()}"));
}
