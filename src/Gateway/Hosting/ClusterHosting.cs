using KpuOrleans.Hosting;

namespace KpuOrleans.Gateway.Hosting;

public static class ClusterHosting
{
    /// <summary>
    /// With <c>ConnectionStrings:Kpu</c> the gateway is a pure Orleans client of separately run silos; without it,
    /// it co-hosts the embedded, in-memory silo so that one command runs the whole system.
    /// </summary>
    public static WebApplicationBuilder AddKpuCluster(this WebApplicationBuilder builder)
    {
        if (builder.KpuDeployment().ConnectionString is { } connectionString) builder.AddKpuClient(connectionString);
        else builder.AddKpuSilo();
        return builder;
    }
}
