using KpuOrleans.Hosting;

namespace KpuOrleans.Gateway.Api;

/// <summary>Configuration section <c>Disputes</c> (README, "Configuration").</summary>
public sealed class DisputeOptions
{
    public const string Section = "Disputes";

    /// <summary>Reports one client address may send an hour, and at once; in every mode, as anyone may send them.</summary>
    public int PerAddressPerHour { get; set; } = 10;

    /// <summary>
    /// Base64, at least 256 bits: the key of the reporter hash (HMAC-SHA256 of the client address). Every gateway of a
    /// cluster needs the same one, for as long as reports are open, so that a second report from an address is found
    /// whichever gateway it reaches and after restarts. Unset: see <see cref="ReporterKey"/>.
    /// </summary>
    public string? AddressKey { get; set; }

    public IEnumerable<string> Problems()
    {
        if (PerAddressPerHour < 1) yield return $"{Section}:PerAddressPerHour is {PerAddressPerHour}; it must be at least 1.";
        if (AddressKey is { Length: > 0 } encoded)
        {
            byte[]? key = null;
            try
            {
                key = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
            }
            if (key is null) yield return $"{Section}:AddressKey must be base64 (e.g. `openssl rand -base64 32`).";
            else if (key.Length < 32) yield return $"{Section}:AddressKey is {key.Length * 8} bits; it needs at least 256 (32 bytes, base64).";
        }
    }

    internal void Check()
    {
        if (Problems().ToList() is [_, ..] problems) throw new SettingsRefusedException(string.Join(" ", problems));
    }
}
