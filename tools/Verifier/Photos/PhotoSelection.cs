using System.Globalization;

namespace KpuOrleans.Verifier.Photos;

/// <summary>
/// Which cited photos <c>check --api</c> downloads and hashes: <c>all</c>, <c>none</c> (photos not checked at all), or
/// a number N: N drawn at random (so a server cannot know which it may swap), the rest only asked for with HEAD.
/// Not given: all when the exports cite at most <see cref="SmallExport"/> photos, else a sample of that many.
/// </summary>
public sealed record PhotoSelection(bool Check, int? Sample)
{
    public const int SmallExport = 2_000;

    public static readonly PhotoSelection All = new(true, null);
    public static readonly PhotoSelection None = new(false, null);

    public static PhotoSelection Default(int cited) => cited <= SmallExport ? All : new PhotoSelection(true, SmallExport);

    /// <returns>Null when <paramref name="text"/> is none of the three.</returns>
    public static PhotoSelection? Parse(string text) => text.ToLowerInvariant() switch
    {
        "all" => All,
        "none" => None,
        _ => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? new PhotoSelection(true, n) : null,
    };

    public override string ToString() => !Check ? "none" : Sample is { } n ? n.ToString(CultureInfo.InvariantCulture) : "all";
}
