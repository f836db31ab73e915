using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Hosting;
using KpuOrleans.Gateway.Live;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5080");
builder.AddKpuCluster();
builder.Services.AddKpuApi();
builder.Services.AddKpuLive(builder.Configuration);

var app = builder.Build();
app.MapKpuApi();
app.MapKpuLive();
app.Run();

/// <summary>The gateway's entry point, named for the tests' host factory.</summary>
public partial class Program;
