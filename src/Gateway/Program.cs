using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Hosting;
using KpuOrleans.Gateway.Live;
using KpuOrleans.Silo.Hosting;
using KpuOrleans.Silo.Operations;
using Orleans.Dashboard;

var simulate = Rehearsal.Requested(ref args);
var builder = WebApplication.CreateBuilder(args);
builder.ListenByDefault("http://localhost:5080");
builder.AddKpuLoggingDefaults();
builder.AddKpuOperations("kpu-gateway");
builder.AddKpuCluster();
if (simulate) builder.AddKpuRehearsal();
builder.AddKpuWriterAuth();
builder.Services.AddKpuApi();
builder.Services.AddKpuLive(builder.Configuration);

var app = builder.Build();
app.UseKpuSecurityHeaders();
app.MapKpuOperations();
app.MapKpuApi();
app.UseKpuWriterAuth(); // after the API's exception handler and static files, before the endpoints run
app.MapKpuLive();
if (OperatorDashboard.IsEnabled(app.Configuration)) app.MapOrleansDashboard(OperatorPaths.Dashboard);
app.Run();

/// <summary>The gateway's entry point, named for the tests' host factory.</summary>
public partial class Program;
