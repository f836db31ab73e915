using KpuOrleans.TestKit;

namespace KpuOrleans.Deployment.Tests;

/// <summary>The fast lane (<c>--filter "Category!=Slow"</c>) stays runnable on a machine without PostgreSQL or Chromium.</summary>
public class LaneTests
{
    [Fact]
    public void Every_test_that_starts_a_process_or_a_browser_is_in_the_slow_lane()
    {
        var unmarked = SlowLaneGuard.UnmarkedSlowTests(typeof(LaneTests).Assembly);

        Assert.True(unmarked.Count == 0, $"Not marked [Trait(Lanes.Category, Lanes.Slow)]:\n{string.Join('\n', unmarked)}");
    }
}
