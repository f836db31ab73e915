using KpuOrleans.Silo.Commands;
using KpuOrleans.Hosting;
using KpuOrleans.Hosting.Operations;
using KpuOrleans.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// dotnet run --project src/Silo [-- migrate | verify]
SettingsRefusedException.ExitCleanlyOnRefusal();
var command = args is [var first, ..] && !first.StartsWith('-') && !first.Contains('=') ? first : "run";
var commandArgs = command == "run" && args.FirstOrDefault() != "run" ? args : args[1..];
var builder = Host.CreateApplicationBuilder(commandArgs);
builder.AddKpuLoggingDefaults();
// A silo is never embedded: no connection string is refused here (exit 2), with an answer of its own.
var connectionString = builder.KpuDeployment(embeddable: false).ConnectionString!;

switch (command)
{
    case "run":
        try
        {
            await RunSiloAsync(commandArgs);
        }
        catch (SchemaNotCurrentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 3;
        }
        return 0;
    case "migrate":
    {
        builder.Services.AddKpuPostgres(builder.Configuration, connectionString);
        using var host = builder.Build();
        IReadOnlyList<string> applied;
        try
        {
            applied = await Migrations.ApplyAsync(host.Services.GetRequiredService<NpgsqlDataSource>(),
                host.Services.GetRequiredService<ILogger<Program>>());
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Usually the application role's connection string given to migrate, or a missing kpu_app (0006 says which).
            Console.Error.WriteLine($"migrate: {e.MessageText} (migrate needs the connection string of the schema's owner; README, \"Database roles\")");
            return 1;
        }
        Console.WriteLine(applied.Count == 0 ? "migrate: the schema is current" : $"migrate: applied {string.Join(", ", applied)}");
        return 0;
    }
    case "verify":
    {
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddKpuClient(connectionString);
        using var host = builder.Build();
        await host.StartAsync();
        var exitCode = await VerifyCommand.RunAsync(host, Console.Out);
        await host.StopAsync();
        return exitCode;
    }
    default:
        Console.Error.WriteLine($"Unknown command '{command}'. Commands: run (default), migrate, verify.");
        return 2;
}

// A silo serves HTTP too, operations only: health probes and /metrics for Kubernetes and Prometheus (README, "Run it in
// Kubernetes"), on Management:Urls when set.
static async Task RunSiloAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.ListenForOperationsOnly(DefaultUrls.Silo);
    builder.AddKpuLoggingDefaults();
    builder.AddKpuOperations("kpu-silo");
    builder.AddKpuSilo();
    var app = builder.Build();
    app.MapKpuOperations();
    await app.RunAsync();
}

/// <summary>The silo's entry point; internal so that it does not collide with the gateway's public one in tests.</summary>
internal partial class Program;
