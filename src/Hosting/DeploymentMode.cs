using KpuOrleans.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KpuOrleans.Hosting;

/// <summary>
/// Clustered (silos, gateways and the ledger in PostgreSQL) or embedded (one process, one in-memory silo), decided once
/// per process from configuration before anything else is built, and handed to every part that behaves differently in
/// the two modes (clustering, writer authentication, rate limits, exports), so that a mistaken setting cannot make one
/// part think "clustered" and another "embedded". Embedded happens only when <c>ConnectionStrings:Kpu</c> is absent:
/// an empty value (a Secret whose value went missing) is a mistake, not a request for an unauthenticated in-memory system.
/// </summary>
public sealed record DeploymentMode
{
    public const string ConnectionStringKey = "ConnectionStrings__Kpu";
    public const string AllowEmbeddedKey = "Kpu__AllowEmbedded";

    public static readonly DeploymentMode Embedded = new((string?)null);

    private DeploymentMode(string? connectionString) => ConnectionString = connectionString;

    /// <summary>The PostgreSQL database of the cluster; null when embedded.</summary>
    public string? ConnectionString { get; }

    public bool IsClustered => ConnectionString is not null;

    public static DeploymentMode Clustered(string connectionString) => new(connectionString);

    /// <param name="embeddable">False for a process that cannot be embedded (a silo, <c>migrate</c>, <c>verify</c>):
    /// a missing connection string is then refused with its own answer, before a container's opt-in is asked about.</param>
    public static DeploymentMode From(IConfiguration configuration, bool embeddable = true)
    {
        var value = configuration.GetConnectionString(PostgresServices.ConnectionStringName);
        if (value is not null)
        {
            return string.IsNullOrWhiteSpace(value)
                ? throw new SettingsRefusedException($"{ConnectionStringKey} is set but empty. Give it a PostgreSQL connection string, " +
                    "or leave it out entirely for the embedded, in-memory system (never in production: nothing it accepts survives the process).")
                : Clustered(value);
        }
        if (!embeddable)
            throw new SettingsRefusedException($"A silo process needs PostgreSQL: set {ConnectionStringKey} (see README). " +
                "For the embedded, in-memory system run the gateway alone: dotnet run --project src/Gateway");
        // The .NET container images set DOTNET_RUNNING_IN_CONTAINER: a container without a database is far more
        // likely a deployment that lost its Secret than someone trying the system out.
        if (IsTrue(configuration, "DOTNET_RUNNING_IN_CONTAINER", "DOTNET_RUNNING_IN_CONTAINER") && !IsTrue(configuration, "Kpu:AllowEmbedded", AllowEmbeddedKey))
            throw new SettingsRefusedException($"{ConnectionStringKey} is missing, and this process runs in a container, where the embedded, " +
                $"in-memory system (unauthenticated, nothing durable) needs an explicit opt-in. Set {ConnectionStringKey}, " +
                $"or {AllowEmbeddedKey}=true for a throwaway demo.");
        return Embedded;
    }

    private static bool IsTrue(IConfiguration configuration, string key, string name) => configuration[key] switch
    {
        null or "" => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new SettingsRefusedException($"{name} is '{text}'; it must be true or false."),
    };
}

public static class DeploymentModeExtensions
{
    /// <summary>
    /// This process's <see cref="DeploymentMode"/>: decided the first time it is asked for (the only place that reads
    /// the connection string), registered for injection, then the same answer for every later caller.
    /// </summary>
    public static DeploymentMode KpuDeployment(this IHostApplicationBuilder builder, bool embeddable = true)
    {
        if (builder.Properties.TryGetValue(typeof(DeploymentMode), out var known)) return (DeploymentMode)known;
        var mode = DeploymentMode.From(builder.Configuration, embeddable);
        builder.Properties[typeof(DeploymentMode)] = mode;
        builder.Services.AddSingleton(mode);
        return mode;
    }
}
