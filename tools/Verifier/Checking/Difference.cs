using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Checking;

/// <summary>One thing the evidence says that the forms do not, at one node of one contest.</summary>
public sealed record Difference(string Contest, string Region, string What)
{
    public override string ToString() => $"{Contest} {Region} ({RegionCode.Level(Region)}): {What}";
}
