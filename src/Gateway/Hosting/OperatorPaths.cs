namespace KpuOrleans.Gateway.Hosting;

/// <summary>Pages for the commission's operators, apart from the public API and results page.</summary>
public static class OperatorPaths
{
    /// <summary>The Orleans dashboard: silos, grain activations and calls, live.</summary>
    public const string Dashboard = "/ops/dashboard";
}
