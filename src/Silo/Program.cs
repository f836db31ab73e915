using KpuOrleans.Silo.Hosting;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddKpuSilo();
await builder.Build().RunAsync();
