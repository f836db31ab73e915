// The ceiling: how many forms per second this machine can take over HTTP at all. It speaks the gateway's subset of
// API.md that the simulator uses (POST /results and /results/batch, GET /contests) with the gateway's own body reader,
// parser and JSON shapes, and answers every well-formed form 201 without judging, storing or counting it. Throughput
// against the real gateway is read as a share of this number; run it with the same simulator flags.
//
//   dotnet bench/Ceiling/bin/Release/net10.0/KpuOrleans.Bench.Ceiling.dll [--urls http://localhost:5090]
using KpuOrleans.Bench;
using KpuOrleans.Bench.Ceiling;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Registry;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5090");
builder.Services.AddRegionRegistry(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<IFormDesk, Acknowledger>();

var app = builder.Build();
// Load the registry now rather than on the first request, which would otherwise be the simulator's probe.
app.Services.GetRequiredService<RegionRegistry>();
app.UseExceptionHandler();
var api = app.MapGroup("/api/v1");
api.MapRegions();
api.MapResults();
app.Run();
