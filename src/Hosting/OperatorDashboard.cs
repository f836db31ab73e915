using Microsoft.Extensions.Configuration;

namespace KpuOrleans.Hosting;

/// <summary>
/// <c>Dashboard:Enabled</c> (default true), the same on every process of a cluster: the Orleans dashboard's page on the
/// gateways and its collectors on the silos. Its collectors time every grain call, which an operator may rather
/// spend on forms on the busiest night (docs/BENCHMARKS.md has the cost).
/// </summary>
public static class OperatorDashboard
{
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", true);
}
