using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5080");
builder.AddKpuCluster();
builder.Services.AddKpuApi();

var app = builder.Build();
app.MapKpuApi();
app.Run();

/// <summary>The gateway's entry point, named for the tests' host factory.</summary>
public partial class Program;
