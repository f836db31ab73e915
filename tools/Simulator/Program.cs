namespace KpuOrleans.Simulator;

// Not top-level statements: those would declare a second global `Program` beside the referenced gateway's.
internal static class Entry
{
    private static async Task<int> Main(string[] args)
    {
        // Ctrl+C stops sending and ends the run; a second Ctrl+C kills it.
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        };
        return await SimulatorApp.RunAsync(args, Console.Out, interrupted.Token);
    }
}
