using KpuOrleans.Gateway.Protection;
using Microsoft.Extensions.DependencyInjection;

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
        Assert.True(budget.Connections >= 1, $"{budget}");
        Assert.True(open + budget.Connections + 512 + limit / 10 <= limit, $"{budget} with {open} open");
    }

    [Fact]
    public void The_bench_machines_limit_holds_ten_thousand_viewers_with_one_socket_each()
    {
        // 20,000 files: the machine of issue 16, where 10,000 viewers with two sockets each (~16,000 measured) crashed it.
        Assert.InRange(ConnectionBudget.For(20_000, 300)!.Connections, 10_001, 20_000 - 300 - 512);
    }

    [Fact]
    public void No_limit_known_means_no_budget() => Assert.Null(ConnectionBudget.For(null, 300));

    [Fact]
    public void The_gateway_budgets_its_connections_by_its_own_limit_on_open_files()
    {
        _ = host.Server; // builds the gateway
        var limit = OpenFiles.ReadLimit();
        Assert.NotNull(limit); // the gateway runs on Linux, where /proc/self/limits says it
        var budget = host.Services.GetService<ConnectionBudget>();
        Assert.NotNull(budget);
        Assert.Equal(limit, budget.Limit);
        Assert.True(budget.Connections < limit, $"{budget.Connections} connections against a limit of {limit} open files");
    }
}
