using System.Text.RegularExpressions;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Api.Proofs;

/// <summary>Where a proof is asked to end: <c>?certificate=</c> of API.md, read once.</summary>
public abstract partial record ProofTarget
{
    /// <summary>No <c>certificate</c>: at the highest certificate in force on the path, else live at the race's top.</summary>
    public sealed record Default : ProofTarget;

    /// <summary><c>none</c>: live at the race's top.</summary>
    public sealed record Live : ProofTarget;

    /// <summary>A region of the path: at its certificate in force.</summary>
    public sealed record AtRegion(int Index) : ProofTarget;

    /// <summary>A certificate's digest: at the certificate in force on the path with it.</summary>
    public sealed record WithDigest(string Digest) : ProofTarget;

    public const string Parameter = "certificate";

    /// <param name="path">The TPS's path, TPS first, up to the race's top.</param>
    /// <returns>The target, or a problem naming <c>certificate</c>.</returns>
    public static (ProofTarget? Target, string? Error, bool Unknown) Read(string? value, IReadOnlyList<RegionInfo> path)
    {
        if (value is null) return (new Default(), null, false);
        if (value == "none") return (new Live(), null, false);
        if (Hex().IsMatch(value)) return (new WithDigest(value.ToLowerInvariant()), null, false);
        if (RegionCode.TryParse(value, out _))
        {
            var index = path.ToList().FindIndex(r => r.Code == value);
            return index < 0
                ? (null, $"{value} is not a region on the path of {path[0].Code} up to the race's top {path[^1].Code}.", true)
                : (new AtRegion(index), null, false);
        }
        return (null, "Give 'none', a region code of the TPS's path or a certificate's 64-hex digest.", false);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Hex();
}
