using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Api.Export;
using KpuOrleans.Gateway.Api.Proofs;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Hosting;
using KpuOrleans.Gateway.Ingest;
using KpuOrleans.Gateway.Live;
using KpuOrleans.Gateway.Photos;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Hosting;
using KpuOrleans.Hosting.Operations;
using Orleans.Dashboard;

namespace KpuOrleans.Gateway;

/// <summary>
/// The gateway as one composition: its own entry point runs it, and a tool that needs a whole embedded system in its
/// process (the simulator's rehearsal) builds the very same one, adding only its own services.
/// </summary>
public static class GatewayApp
{
    /// <param name="extend">Runs first, before any part of the gateway is added: a host may refuse its settings there.</param>
    public static WebApplication Build(WebApplicationOptions options, Action<WebApplicationBuilder>? extend = null)
    {
        var builder = WebApplication.CreateBuilder(options);
        extend?.Invoke(builder);
        builder.ListenWithManagementPort("http://localhost:5080"); // operations on Management:Urls (ManagementPort)
        builder.AddKpuLoggingDefaults();
        builder.AddKpuOperations("kpu-gateway");
        builder.AddKpuCluster();
        builder.AddKpuWriterAuth();
        builder.AddKpuTrustedProxies();
        builder.AddKpuRateLimits();
        builder.AddKpuDisputes();
        builder.AddKpuOpenFileBudget();
        builder.AddKpuSlowClientLimits();
        builder.Services.AddKpuCrossOrigin();
        builder.Services.AddKpuApi();
        builder.Services.AddProofs(builder.Configuration);
        builder.Services.AddKpuFormCourier(builder.Configuration);
        builder.AddKpuExport();
        builder.Services.AddKpuLive(builder.Configuration);
        builder.Services.AddPhotos(builder.Configuration);

        var app = builder.Build();
        app.UseKpuTrustedProxies(); // first: everything after sees the client's own address
        app.UseKpuHeadAsGet(); // before routing: HEAD is routed as the GET it stands for
        app.UseRouting();
        app.UseKpuManagementSplit(); // right after routing: the public port never reaches an operator endpoint, nor the management port the API
        app.UseKpuSecurityHeaders();
        app.MapKpuOperations();
        app.MapKpuApi();
        // After the API's exception handler and static files, before the endpoints run; the limiter between knowing a
        // writer and refusing one, so that it counts writers by token and bad tokens by address.
        app.UseCors();
        app.UseKpuWriterAuthentication();
        app.UseKpuRateLimits();
        app.UseKpuWriterAuthorization();
        app.MapKpuLive();
        if (OperatorDashboard.IsEnabled(app.Configuration)) app.MapOrleansDashboard(OperatorPaths.Dashboard).WithMetadata(ManagementOnly.Instance);
        return app;
    }
}
