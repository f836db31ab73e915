using KpuOrleans.Silo.Commands;
using KpuOrleans.Silo.Hosting;
using KpuOrleans.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// dotnet run --project src/Silo [-- migrate | verify]
var command = args is [var first, ..] && !first.StartsWith('-') && !first.Contains('=') ? first : "run";
var builder = Host.CreateApplicationBuilder(command == "run" && args.FirstOrDefault() != "run" ? args : args[1..]);
builder.AddKpuLoggingDefaults();
var connectionString = builder.Configuration.KpuConnectionString();
if (connectionString is null)
{
    Console.Error.WriteLine("A silo process needs PostgreSQL: set ConnectionStrings__Kpu (see README). " +
        "For the embedded, in-memory system run the gateway alone: dotnet run --project src/Gateway");
    return 2;
}

switch (command)
{
    case "run":
        builder.AddKpuSilo();
        await builder.Build().RunAsync();
        return 0;
    case "migrate":
    {
        builder.Services.AddKpuPostgres(builder.Configuration, connectionString);
        using var host = builder.Build();
        var applied = await Migrations.ApplyAsync(host.Services.GetRequiredService<NpgsqlDataSource>(),
            host.Services.GetRequiredService<ILogger<Program>>());
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
