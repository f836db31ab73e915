using KpuOrleans.Evidence;
using Xunit;

namespace KpuOrleans.Grains.Tests;

/// <summary>
/// What every <see cref="IDisputeRegister"/> does, run against the embedded one here and against PostgreSQL's in
/// Integration.Tests (which compiles this file too), so that the two answer alike.
/// </summary>
public abstract class DisputeRegisterContract
{
    protected const string Governor = "PGUB-35";

    protected abstract IDisputeRegister Register { get; }

    /// <summary>An instant with ticks below the microsecond, which PostgreSQL does not keep.</summary>
    protected static readonly DateTimeOffset At = new DateTimeOffset(2024, 11, 27, 14, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    [Fact]
    public async Task A_reporter_has_one_open_report_per_TPS_and_contest_and_another_after_it_is_resolved()
    {
        var (first, opened) = await Register.OpenAsync("35.79.01.1001.001", Governor, 2, "votes.2", "photo: 150", "reporter-a", At);
        Assert.True(opened);
        Assert.Equal(("35.79.01.1001.001", Governor, 2L, "votes.2", "photo: 150"), (first.Tps, first.Contest, first.Version, first.Field, first.Note));
        Assert.Equal(At.AddTicks(-7), first.OpenedAt); // cut to microseconds, as stored
        Assert.Null(first.Resolution);
        Assert.Equal(first, await Register.GetAsync(first.Id));

        var (again, openedAgain) = await Register.OpenAsync("35.79.01.1001.001", Governor, 3, "valid", "other", "reporter-a", At.AddMinutes(1));
        Assert.False(openedAgain);
        Assert.Equal(first, again);

        var others = new[]
        {
            await Register.OpenAsync("35.79.01.1001.001", Governor, 2, "votes.2", "photo: 150", "reporter-b", At),
            await Register.OpenAsync("35.79.01.1001.001", "PBUP-35.79", 2, "votes.2", "photo: 150", "reporter-a", At),
            await Register.OpenAsync("35.79.01.1001.002", Governor, 1, "votes.2", "photo: 150", "reporter-a", At),
        };
        Assert.All(others, o => Assert.True(o.Opened));
        Assert.Equal(4, others.Select(o => o.Dispute.Id).Append(first.Id).Distinct().Count());

        await Register.ResolveAsync(first.Id, new DisputeResolution("dismissed", "same numbers", null, "ppk-1", At));
        var (next, openedNext) = await Register.OpenAsync("35.79.01.1001.001", Governor, 2, "valid", "still", "reporter-a", At);
        Assert.True(openedNext);
        Assert.NotEqual(first.Id, next.Id);
    }

    [Fact]
    public async Task A_resolution_is_recorded_once_and_never_replaced()
    {
        var (dispute, _) = await Register.OpenAsync("35.79.01.1002.001", Governor, 1, "valid", "n", "reporter-c", At);
        var corrected = new DisputeResolution("corrected", null, 2, "kabkota-35.79", At.AddHours(1));

        var (resolved, recorded) = await Register.ResolveAsync(dispute.Id, corrected);
        Assert.True(recorded);
        Assert.Equal(corrected with { At = corrected.At.AddTicks(-7) }, resolved.Resolution);
        Assert.False(resolved.IsOpen);
        Assert.Equal(resolved, await Register.GetAsync(dispute.Id));

        var (kept, again) = await Register.ResolveAsync(dispute.Id, new DisputeResolution("dismissed", "no", null, "provinsi-35", At));
        Assert.False(again);
        Assert.Equal(resolved, kept);
        Assert.Equal(resolved, await Register.GetAsync(dispute.Id));

        Assert.Null(await Register.GetAsync(987_654));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Register.ResolveAsync(987_654, corrected));
    }

    [Fact]
    public async Task Lists_and_counts_take_whole_segments_below_a_region_newest_first()
    {
        // 35.78.01.1001 and 35.78.01.1002 share the text "35.78.01.100"; 35.78 and 35.7x share "35.7".
        var a = (await Register.OpenAsync("35.78.01.1001.001", Governor, 1, "valid", "n", "r1", At)).Dispute;
        var b = (await Register.OpenAsync("35.78.01.1002.001", Governor, 1, "valid", "n", "r1", At)).Dispute;
        var c = (await Register.OpenAsync("35.78.01.1001.001", Governor, 1, "valid", "n", "r2", At)).Dispute;
        var d = (await Register.OpenAsync("35.78.01.1001.001", "PWAL-35.78", 1, "valid", "n", "r1", At)).Dispute;
        var elsewhere = (await Register.OpenAsync("35.79.02.2001.001", Governor, 1, "valid", "n", "r1", At)).Dispute;
        await Register.ResolveAsync(c.Id, new DisputeResolution("dismissed", "same", null, "ppk", At));

        async Task<long[]> Ids(string region, bool? open, int limit = 100) => [.. (await Register.ListAsync(region, open, limit)).Select(x => x.Id)];
        Assert.Equal([d.Id, c.Id, b.Id, a.Id], await Ids("35.78", null));
        Assert.Equal([d.Id, b.Id, a.Id], await Ids("35.78.01", true));
        Assert.Equal([c.Id], await Ids("35.78", false));
        Assert.Equal([d.Id, c.Id, a.Id], await Ids("35.78.01.1001", null));
        Assert.Equal([d.Id, c.Id, a.Id], await Ids("35.78.01.1001.001", null));
        Assert.Equal([d.Id, c.Id], await Ids("35.78.01.1001", null, limit: 2));
        Assert.Contains(elsewhere.Id, await Ids("35", null));
        foreach (var notBelow in new[] { "35.7", "35.78.01.100", "", "35.78.01.1001.00" })
            Assert.Empty(await Ids(notBelow, null));

        Assert.Equal(new DisputeCounts(1, 3), await Register.CountsAsync("35.78.01.1001.001", Governor)); // a open; c opened and resolved
        Assert.Equal(new DisputeCounts(1, 1), await Register.CountsAsync("35.78.01.1001.001", "PWAL-35.78"));
        Assert.Equal(DisputeCounts.None, await Register.CountsAsync("35.78.01.1003.001", Governor));
        var under = await Register.CountsUnderAsync("35.78.01");
        Assert.Equal(3, under.Count);
        Assert.Equal(new DisputeCounts(1, 3), under[new FormKey("35.78.01.1001.001", Governor)]);
        Assert.Equal(new DisputeCounts(1, 1), under[new FormKey("35.78.01.1002.001", Governor)]);
        Assert.Equal(new DisputeCounts(1, 1), under[new FormKey("35.78.01.1001.001", "PWAL-35.78")]);
        Assert.Single(await Register.CountsUnderAsync("35.78.01.1002"));
        Assert.Empty(await Register.CountsUnderAsync("35.7"));
    }

    [Fact]
    public async Task Many_opens_at_once_from_one_reporter_open_one_report()
    {
        var opens = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            Register.OpenAsync("35.77.01.1001.001", Governor, 1, "valid", $"try {i}", "reporter-storm", At))));
        var opened = Assert.Single(opens, o => o.Opened);
        Assert.All(opens, o => Assert.Equal(opened.Dispute.Id, o.Dispute.Id));
        Assert.Single(await Register.ListAsync("35.77.01.1001.001", null, 100));
    }
}
