namespace KpuOrleans.Hosting;

/// <summary>
/// A setting this process will not start with; the message names the key(s) and what to do. Thrown while the host is
/// built, so that a mistaken deployment stops at once (a crash-looping pod) instead of serving in a mode nobody chose.
/// </summary>
public sealed class SettingsRefusedException(string message) : InvalidOperationException(message)
{
    /// <summary>Exit code of a process that refused its settings (as the silo's other usage errors).</summary>
    public const int ExitCode = 2;

    /// <summary>
    /// Makes a refusal that nothing catches end the process with <see cref="ExitCode"/> and just its message on
    /// standard error, rather than a runtime abort with a stack trace that buries the one line an operator needs.
    /// (Test hosts run the entry point themselves and see the exception as it is.)
    /// </summary>
    public static void ExitCleanlyOnRefusal() => AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        if (e.ExceptionObject is not SettingsRefusedException refused) return;
        Console.Error.WriteLine($"Refusing to start: {refused.Message}");
        Environment.Exit(ExitCode);
    };
}
