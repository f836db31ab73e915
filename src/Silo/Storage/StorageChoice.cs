using KpuOrleans.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KpuOrleans.Silo.Storage;

/// <summary>
/// Durable (PostgreSQL) or embedded (one in-memory silo), decided once per process from configuration, before anything
/// else is built. Every part that behaves differently in the two modes (clustering, writer authentication, rate
/// limits, the rehearsal) asks this, so that a mistaken setting cannot make one part think "durable" and another
/// "embedded". Embedded happens only when <c>ConnectionStrings:Kpu</c> is absent: an empty value (a Secret whose value
/// went missing) is a mistake, not a request for an unauthenticated in-memory system.
/// </summary>
public sealed record StorageChoice(string? ConnectionString)
{
    public const string ConnectionStringKey = "ConnectionStrings__Kpu";
    public const string AllowEmbeddedKey = "Kpu__AllowEmbedded";

    public bool IsDurable => ConnectionString is not null;

    public static StorageChoice From(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(PostgresServices.ConnectionStringName);
        if (value is not null)
        {
            return string.IsNullOrWhiteSpace(value)
                ? throw new SettingsRefusedException($"{ConnectionStringKey} is set but empty. Give it a PostgreSQL connection string, " +
                    "or leave it out entirely for the embedded, in-memory system (never in production: nothing it accepts survives the process).")
                : new StorageChoice(value);
        }
        // The .NET container images set DOTNET_RUNNING_IN_CONTAINER: a container without a database is far more
        // likely a deployment that lost its Secret than someone trying the system out.
        if (IsTrue(configuration, "DOTNET_RUNNING_IN_CONTAINER", "DOTNET_RUNNING_IN_CONTAINER") && !IsTrue(configuration, "Kpu:AllowEmbedded", AllowEmbeddedKey))
            throw new SettingsRefusedException($"{ConnectionStringKey} is missing, and this process runs in a container, where the embedded, " +
                $"in-memory system (unauthenticated, nothing durable) needs an explicit opt-in. Set {ConnectionStringKey}, " +
                $"or {AllowEmbeddedKey}=true for a throwaway demo.");
        return new StorageChoice((string?)null);
    }

    private static bool IsTrue(IConfiguration configuration, string key, string name) => configuration[key] switch
    {
        null or "" => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new SettingsRefusedException($"{name} is '{text}'; it must be true or false."),
    };
}

public static class StorageChoiceExtensions
{
    /// <summary>This process's <see cref="StorageChoice"/>: resolved the first time it is asked for, registered for DI, then reused.</summary>
    public static StorageChoice KpuStorage(this IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(StorageChoice), out var known)) return (StorageChoice)known;
        var choice = StorageChoice.From(builder.Configuration);
        builder.Properties[typeof(StorageChoice)] = choice;
        builder.Services.AddSingleton(choice);
        return choice;
    }
}
