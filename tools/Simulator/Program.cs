using KpuOrleans.Simulator;

// Ctrl+C stops sending and ends the run; a second Ctrl+C kills it.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
};
return await SimulatorApp.RunAsync(args, Console.Out, interrupted.Token);
