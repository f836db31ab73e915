using System.Text.Json;

namespace KpuOrleans.Bench;

/// <summary>What a baseline does with one submitted form. The HTTP around it (<see cref="ResultRoutes"/>) is shared, so
/// the baselines differ from each other, and from the gateway, only in this.</summary>
public interface IFormDesk
{
    Task<FormAnswer> SubmitAsync(JsonElement form, CancellationToken cancellationToken);
}
