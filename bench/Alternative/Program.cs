// The usual alternative: what a competent team would build without actors. Plain ASP.NET Core in front of PostgreSQL;
// each form is checked, then stored and added to the running totals of its TPS, village, district, regency and province
// in one transaction (FormCounter), and tallies are read straight from those totals. It speaks the same subset of
// API.md as the gateway (POST /results and /results/batch, GET /contests, GET /tally/{contest}/{code}), with the
// gateway's own parser, rules and JSON shapes, so the simulator runs against it unchanged, end-of-run check included,
// and the difference in throughput is the difference in design.
//
//   ConnectionStrings__Kpu="Host=...;..." dotnet bench/Alternative/bin/Release/net10.0/KpuOrleans.Bench.Alternative.dll \
//       [--urls http://localhost:5091] [--Alternative:Reset=true]
using KpuOrleans.Bench;
using KpuOrleans.Bench.Alternative;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Registry;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:5091");
if (builder.Configuration.GetConnectionString("Kpu") is not { Length: > 0 } connectionString)
{
    Console.Error.WriteLine("The alternative needs PostgreSQL: set ConnectionStrings__Kpu (scripts/postgres.sh start prints one).");
    return 2;
}
builder.Services.AddRegionRegistry(builder.Configuration);
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<IFormDesk, FormCounter>();

var app = builder.Build();
// Load the registry now rather than on the first request, which would otherwise be the simulator's probe.
app.Services.GetRequiredService<RegionRegistry>();
// Its own tables, created if missing; Alternative:Reset=true empties them so that a run starts from no forms.
await Schema.PrepareAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Configuration.GetValue<bool>("Alternative:Reset"));

// A database that cannot answer a read now is a 503 (try again), as the gateway answers for its cluster.
app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = e => e is NpgsqlException or TimeoutException ? 503 : 500 });
var api = app.MapGroup("/api/v1");
api.MapRegions();
api.MapResults();
api.MapTally();
await app.RunAsync();
return 0;
