using KpuOrleans.Simulator.Options;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary><c>--regions</c>: the regions a run covers, each counted once however the list nests them.</summary>
public class SliceTests
{
    [Fact]
    public void A_region_inside_another_listed_one_is_dropped_and_neighbours_sharing_digits_are_kept()
    {
        var options = new SimulatorOptions { Regions = ["35.78.01", "35.78", "35.07", "35.07.01.2001", "35.71", "35.78"] };

        var slice = SimulationRunner.Slice(Jatim.Registry, options);

        Assert.Equal(["35.78", "35.07", "35.71"], slice.Select(r => r.Code));
    }

    [Fact]
    public void Without_regions_the_run_covers_the_province()
    {
        Assert.Equal(["35"], SimulationRunner.Slice(Jatim.Registry, new SimulatorOptions()).Select(r => r.Code));
    }
}
