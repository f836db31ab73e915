using KpuOrleans.Gateway.Protection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Issue 16: a gateway whose sockets take every file descriptor its limit allows ends with the runtime's "Out of
/// memory."; Kestrel must hold fewer connections than the limit leaves room for, so that the next client is refused
/// and the gateway lives.
/// </summary>
public class OpenFileBudgetTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private static readonly string[] Limits =
    [
        "Limit                     Soft Limit           Hard Limit           Units     ",
        "Max processes             94791                94791                processes ",
        "Max open files            20000                65536                files     ",
        "Max locked memory         8388608              8388608              bytes     ",
    ];

    [Fact]
    public void The_soft_limit_is_read_from_the_processes_limits()
    {
        Assert.Equal(20_000, OpenFiles.ParseLimit(Limits));
        Assert.Null(OpenFiles.ParseLimit(["Max open files            unlimited            unlimited            files     "]));
        Assert.Null(OpenFiles.ParseLimit(["Max processes             94791                94791                processes "]));
    }

    [Theory]
    [InlineData(1_024, 150)]
    [InlineData(20_000, 300)]
    [InlineData(1_048_576, 400)]
    public void Connections_leave_room_for_what_the_process_holds_and_opens_later(long limit, int open)
    {
        var budget = ConnectionBudget.For(limit, open)!;
        Assert.True(budget.Connections >= 1 && budget.UpgradedConnections >= 1, $"{budget}");
        Assert.True(open + budget.Connections + budget.UpgradedConnections + 512 <= limit, $"{budget} with {open} open");
    }

    [Fact]
    public void The_bench_machines_limit_holds_fewer_viewers_than_the_ten_thousand_that_crashed_it()
    {
        // 20,000 files and ~16,000 sockets at 10,000 viewers: measured in issue 16, where a gateway holding every
        // connection offered ended with "Out of memory." once its sockets reached the limit.
        var budget = ConnectionBudget.For(20_000, 300)!;
        Assert.True(budget.Connections + budget.UpgradedConnections < 20_000 - 300);
    }

    [Fact]
    public void No_limit_known_means_no_budget() => Assert.Null(ConnectionBudget.For(null, 300));

    [Fact]
    public void The_gateway_caps_kestrels_connections_below_its_own_limit_on_open_files()
    {
        _ = host.Server; // builds the gateway
        var limit = OpenFiles.ReadLimit();
        Assert.NotNull(limit); // the gateway runs on Linux, where /proc/self/limits says it
        var kestrel = host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        Assert.NotNull(kestrel.Limits.MaxConcurrentConnections);
        Assert.NotNull(kestrel.Limits.MaxConcurrentUpgradedConnections);
        Assert.True(kestrel.Limits.MaxConcurrentConnections + kestrel.Limits.MaxConcurrentUpgradedConnections < limit,
            $"{kestrel.Limits.MaxConcurrentConnections} + {kestrel.Limits.MaxConcurrentUpgradedConnections} connections against a limit of {limit} open files");
    }
}
