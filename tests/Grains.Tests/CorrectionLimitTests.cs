using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests;

/// <summary>The window of corrections, judged from a history's <c>acceptedAt</c> alone.</summary>
public class CorrectionLimitTests
{
    private static readonly DateTimeOffset Now = new(2024, 11, 27, 20, 0, 0, TimeSpan.Zero);
    private static readonly CorrectionOptions ThreeAnHour = new() { Limit = 3, Window = TimeSpan.FromHours(1) };

    private static AcceptedForm Accepted(long version, TimeSpan ago)
    {
        var tps = Jatim.Registry.TpsUnder("35.78.01.1001").First();
        var form = SampleForms.Valid(tps, Jatim.Registry.FindContest("PGUB-35")!, new Random(1), version);
        return new AcceptedForm(form, Now - ago, "pps-officer", []);
    }

    private static TimeSpan Minutes(int n) => TimeSpan.FromMinutes(n);

    [Fact]
    public void Under_the_limit_a_correction_fits_and_the_first_form_never_counts()
    {
        AcceptedForm[] history = [Accepted(1, Minutes(5)), Accepted(2, Minutes(4)), Accepted(3, Minutes(3))];

        Assert.Null(CorrectionLimit.Wait(history, Now, ThreeAnHour));
    }

    [Fact]
    public void At_the_limit_the_wait_is_until_the_oldest_correction_in_the_window_leaves_it()
    {
        // Out of version order, as rows stamped by silos whose clocks differ a little can be; one already left the window.
        AcceptedForm[] history = [Accepted(1, Minutes(200)), Accepted(2, Minutes(70)), Accepted(3, Minutes(10)), Accepted(4, Minutes(50)), Accepted(5, Minutes(30))];

        Assert.Equal(Minutes(10), CorrectionLimit.Wait(history, Now, ThreeAnHour));
        Assert.Null(CorrectionLimit.Wait(history, Now + Minutes(10), ThreeAnHour));
    }

    [Fact]
    public void Over_the_limit_after_it_was_lowered_enough_corrections_must_leave_for_one_more()
    {
        AcceptedForm[] history = [Accepted(1, Minutes(90)), .. Enumerable.Range(2, 5).Select(v => Accepted(v, Minutes(60 - 10 * v)))];

        // In the window: 40, 30, 20, 10 and 0 minutes ago; one more fits once three have left: the one of 20 minutes ago.
        Assert.Equal(Minutes(40), CorrectionLimit.Wait(history, Now, ThreeAnHour));
        Assert.Equal(1, CorrectionLimit.Seconds(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(61, CorrectionLimit.Seconds(TimeSpan.FromSeconds(60.2)));
    }
}
