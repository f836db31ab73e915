using System.Text.Json;
using KpuOrleans.Gateway.Api;

namespace KpuOrleans.Bench.Ceiling;

/// <summary>
/// Reads a form with the gateway's parser and says "accepted" straight away: no rules, no storage, no counting. What is
/// left is the work every design must do per form, so its throughput is the ceiling the others are measured against.
/// </summary>
public sealed class Acknowledger : IFormDesk
{
    public Task<FormAnswer> SubmitAsync(JsonElement form, CancellationToken cancellationToken)
    {
        var read = FormJson.Read(form);
        if (read.Form is not { } parsed) return Task.FromResult(FormAnswer.Malformed(read));
        // No registry here, so no ballot order to hash the receipt with: the ceiling leaves the digest empty.
        var acceptance = new AcceptanceDto(parsed.Tps, parsed.Contest, parsed.Version, DateTime.UtcNow, [], "");
        return Task.FromResult(new FormAnswer(StatusCodes.Status201Created, acceptance));
    }
}
