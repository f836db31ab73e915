using Microsoft.IdentityModel.Tokens;

namespace KpuOrleans.Gateway.Auth;

/// <summary>
/// Tokens that passed the full validation of <paramref name="validator"/>, remembered until they expire so that an
/// officer's next form costs a lookup rather than a signature check and a JSON parse. Only a valid result is ever
/// stored, under the exact token text, so a forged or tampered token (other text) always meets the validator. A
/// remembered token is served only while the validator would still take it (<c>exp</c> plus the clock skew, a tick
/// early); from then on it goes to the validator again, which refuses it exactly as it refuses any expired token.
/// Lives as long as the process's signing key: tokens from an authority (whose keys rotate) are not remembered.
/// </summary>
/// <remarks>
/// A fixed table of <paramref name="size"/> slots, one token each, chosen by a per-process randomised hash: a new
/// token takes its slot over, so the memory is bounded whatever arrives and eviction costs nothing.
/// </remarks>
public sealed class RememberedTokens(TokenHandler validator, int size, TimeProvider clock) : TokenHandler
{
    private readonly Remembered?[] _slots = new Remembered?[size];

    /// <summary>
    /// The slot is chosen by the token's last characters, its signature in a genuine token: as good as random, and a
    /// tenth of the hashing of the whole text. Crafted tokens may share a slot, but only a valid token is ever stored.
    /// </summary>
    private const int SlotChars = 32;

    private sealed record Remembered(string Token, System.Security.Claims.ClaimsIdentity Identity, SecurityToken Validated, DateTime Until);

    /// <summary>Tokens held now, at most the size given (for tests and the start-up log).</summary>
    public int Count => _slots.Count(slot => slot is not null);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var slot = (int)((uint)string.GetHashCode(token.AsSpan(Math.Max(0, token.Length - SlotChars))) % (uint)_slots.Length);
        if (Volatile.Read(ref _slots[slot]) is { } known && string.Equals(known.Token, token, StringComparison.Ordinal))
        {
            // Each request gets its own identity: one request adding a claim must not show in another's.
            if (clock.GetUtcNow().UtcDateTime < known.Until)
                return new TokenValidationResult { IsValid = true, ClaimsIdentity = known.Identity.Clone(), SecurityToken = known.Validated };
            Interlocked.CompareExchange(ref _slots[slot], null, known);
        }
        var result = await validator.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, Exception: null, ClaimsIdentity: { } identity, SecurityToken: { } validated })
            Volatile.Write(ref _slots[slot], new Remembered(token, identity.Clone(), validated, Until(validated.ValidTo, validationParameters.ClockSkew)));
        return result;
    }

    /// <summary>The validator refuses a token once <c>exp</c> is more than the skew ago; an <c>exp</c> near the end of time must not overflow.</summary>
    private static DateTime Until(DateTime expires, TimeSpan skew) =>
        expires > DateTime.MaxValue - skew ? DateTime.MaxValue : expires + skew;

    public override SecurityToken ReadToken(string token) => validator.ReadToken(token);

    public override int MaximumTokenSizeInBytes
    {
        get => validator.MaximumTokenSizeInBytes;
        set => validator.MaximumTokenSizeInBytes = value;
    }
}
