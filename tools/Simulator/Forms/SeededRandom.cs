namespace KpuOrleans.Simulator.Forms;

/// <summary>
/// A small deterministic generator (SplitMix64): the same seed gives the same numbers on every machine and .NET version,
/// which <see cref="Random"/> does not promise. Each TPS, contest and purpose gets its own stream
/// (<see cref="For"/>), so a form does not depend on the order in which forms are generated.
/// </summary>
internal sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A stream for one purpose and place, e.g. <c>For(seed, "turnout", tps.Code)</c>.</summary>
    public static SeededRandom For(long seed, params ReadOnlySpan<string> parts) => new(StableHash(seed, parts));

    public static ulong StableHash(long seed, params ReadOnlySpan<string> parts)
    {
        // FNV-1a over the parts (with a separator), then mixed; string.GetHashCode changes per process.
        var hash = 14695981039346656037UL ^ (ulong)seed;
        foreach (var part in parts)
        {
            foreach (var c in part)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
            hash ^= 0x1F;
            hash *= 1099511628211UL;
        }
        return Mix(hash);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    public double Between(double low, double high) => low + (high - low) * NextDouble();

    public bool Chance(double percent) => NextDouble() * 100 < percent;

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Fisher–Yates, in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
