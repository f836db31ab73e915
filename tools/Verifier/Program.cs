using KpuOrleans.Verifier;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
};
return await VerifierApp.RunAsync(args, Console.Out, Console.Error, interrupted.Token);
