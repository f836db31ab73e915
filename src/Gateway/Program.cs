using KpuOrleans.Gateway;
using KpuOrleans.Hosting;

SettingsRefusedException.ExitCleanlyOnRefusal();
// The rehearsal moved to the simulator, so that this image carries no simulator; say where rather than fail on an
// unknown switch.
if (args.Contains("--simulate", StringComparer.Ordinal))
{
    Console.Error.WriteLine("--simulate is now the simulator's: dotnet run --project tools/Simulator -- rehearse " +
        "(it starts this embedded system and replays the night into it).");
    return SettingsRefusedException.ExitCode;
}
GatewayApp.Build(new WebApplicationOptions { Args = args }).Run();
return 0;

/// <summary>The gateway's entry point, named for the tests' host factory.</summary>
public partial class Program;
