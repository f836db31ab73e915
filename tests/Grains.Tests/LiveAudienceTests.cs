using KpuOrleans.Live;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace KpuOrleans.Grains.Tests;

/// <summary>
/// A node's live audience off any grain, paced as a node paces it: by the one <see cref="FlushSchedule"/> that also
/// reports to the parent. Its ticks are driven by hand (each one stands for an interval passing) and its leases are
/// measured against a clock the test moves.
/// </summary>
public class LiveAudienceTests
{
    private readonly HandTicker _ticker = new();
    private readonly ShiftedClock _clock = new();
    private readonly Dictionary<string, int> _state = [];
    private readonly List<string[]> _reports = [];
    private readonly LiveAudience<int> _audience;
    private readonly FlushSchedule _schedule;
    private Func<Task>? _parent;

    public LiveAudienceTests()
    {
        _audience = new LiveAudience<int>(_clock, topic => _state[topic], (observer, state) => ((Watcher)observer).Hear(state), NullLogger.Instance);
        _schedule = new FlushSchedule(_ticker.Start, "test node", TimeSpan.FromMilliseconds(150), ReportAsync, NullLogger.Instance, _audience.Tell);
    }

    [Fact]
    public async Task Many_changes_within_one_interval_reach_each_watcher_as_one_push_of_the_newest()
    {
        var (first, second) = (new Watcher(), new Watcher());
        _audience.Watch("PGUB-35", first);
        _audience.Watch("PGUB-35", second);

        for (var version = 1; version <= 5; version++) Change("PGUB-35", version);
        await _ticker.TickAsync();
        await _ticker.TickAsync();

        Assert.Equal([5], first.Heard);
        Assert.Equal([5], second.Heard);
        Assert.Equal(1, _ticker.Starts);
    }

    [Fact]
    public async Task Each_interval_pushes_only_what_changed_in_it()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);
        _audience.Watch("DPD-35", watcher);

        Change("PGUB-35", 1);
        Change("DPD-35", 10);
        await _ticker.TickAsync();
        Change("PGUB-35", 2);
        Change("PGUB-35", 3);
        await _ticker.TickAsync();

        Assert.Equal(3, watcher.Heard.Count);
        Assert.Equal([1, 10], watcher.Heard.Take(2).Order());
        Assert.Equal(3, watcher.Heard[2]);
    }

    [Fact]
    public async Task A_change_nobody_watches_is_reported_up_and_pushed_to_nobody()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);

        Change("DPD-35", 1);
        await _ticker.TickAsync();

        Assert.Empty(watcher.Heard);
        Assert.Equal([["DPD-35"]], _reports);
        Assert.False(_audience.IsWatched("DPD-35"));
    }

    [Fact]
    public async Task A_change_is_pushed_in_the_tick_that_reports_it_to_the_parent_and_no_second_timer_starts()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);

        Change("PGUB-35", 1);
        Assert.Equal(1, _ticker.Starts);
        await _ticker.TickAsync();

        Assert.Equal([["PGUB-35"]], _reports);
        Assert.Equal([1], watcher.Heard);
        Assert.Equal(1, _ticker.Starts);
    }

    [Fact]
    public async Task An_idle_nodes_first_change_is_pushed_by_the_timers_first_call()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);
        Assert.False(_ticker.Running);

        Change("PGUB-35", 1);
        // The first tick is the call a new timer makes at once (FlushSchedule's grain timer is due at zero).
        await _ticker.TickAsync();

        Assert.Equal([1], watcher.Heard);
    }

    [Fact]
    public async Task A_push_is_not_held_back_by_a_parent_that_has_not_answered()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);
        var answer = new TaskCompletionSource();
        _parent = () => answer.Task;

        Change("PGUB-35", 1);
        var tick = _ticker.TickAsync();

        Assert.Equal([1], watcher.Heard);
        Assert.False(tick.IsCompleted);
        answer.SetResult();
        await tick;
        Assert.Equal([["PGUB-35"]], _reports);
    }

    [Fact]
    public async Task A_change_only_the_watchers_need_reaches_them_without_a_report_to_the_parent()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);

        _state["PGUB-35"] = 7;
        _schedule.MarkToTell("PGUB-35");
        await _ticker.TickAsync();

        Assert.Equal([7], watcher.Heard);
        Assert.Empty(_reports);
        Assert.False(_schedule.HasPending);
    }

    [Fact]
    public async Task A_report_the_parent_refused_is_retried_at_the_next_tick_without_a_second_push()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);
        _parent = () => throw new TimeoutException("the parent's silo is gone");

        Change("PGUB-35", 1);
        await _ticker.TickAsync();
        Assert.True(_schedule.HasPending);
        _parent = null;
        await _ticker.TickAsync();

        Assert.Equal([["PGUB-35"]], _reports);
        Assert.Equal([1], watcher.Heard);
        Assert.False(_schedule.HasPending);
    }

    [Fact]
    public async Task Watchers_whose_telling_fails_as_a_whole_keep_the_parent_from_nothing()
    {
        var schedule = new FlushSchedule(_ticker.Start, "test node", TimeSpan.FromMilliseconds(150), ReportAsync, NullLogger.Instance,
            _ => throw new InvalidOperationException("no state to tell"));

        schedule.MarkChanged("PGUB-35");
        await _ticker.TickAsync();

        Assert.Equal([["PGUB-35"]], _reports);
    }

    [Fact]
    public async Task The_ticking_stops_after_two_quiet_intervals_and_the_next_change_starts_it_again()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);

        Change("PGUB-35", 1);
        await _ticker.TickAsync();
        await _ticker.TickAsync();
        await _ticker.TickAsync();
        Assert.False(_ticker.Running);

        Change("PGUB-35", 2);
        await _ticker.TickAsync();

        Assert.Equal([1, 2], watcher.Heard);
        Assert.Equal(2, _ticker.Starts);
    }

    [Fact]
    public async Task A_watch_lapses_after_a_minute_unless_renewed()
    {
        var (renewed, forgotten) = (new Watcher(), new Watcher());
        _audience.Watch("PGUB-35", renewed);
        _audience.Watch("PGUB-35", forgotten);

        _clock.Advance(TimeSpan.FromSeconds(40));
        _audience.Watch("PGUB-35", renewed);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Change("PGUB-35", 1);
        await _ticker.TickAsync();

        Assert.Equal([1], renewed.Heard);
        Assert.Empty(forgotten.Heard);
    }

    [Fact]
    public async Task A_topic_whose_every_watch_lapsed_is_forgotten()
    {
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);

        _clock.Advance(LiveAudience.Lapse + TimeSpan.FromSeconds(1));
        Change("PGUB-35", 1);
        await _ticker.TickAsync();

        Assert.Empty(watcher.Heard);
        Assert.False(_audience.IsWatched("PGUB-35"));
    }

    [Fact]
    public async Task A_watcher_that_throws_is_kept_and_keeps_no_other_watcher_from_hearing()
    {
        var (throwing, listening) = (new Watcher(throws: true), new Watcher());
        _audience.Watch("PGUB-35", throwing);
        _audience.Watch("PGUB-35", listening);

        Change("PGUB-35", 1);
        await _ticker.TickAsync();
        Change("PGUB-35", 2);
        await _ticker.TickAsync();

        Assert.Equal([1, 2], listening.Heard);
        Assert.Equal(2, throwing.Calls);
        Assert.True(_audience.IsWatched("PGUB-35"));
    }

    [Fact]
    public async Task Unwatching_the_last_watcher_forgets_the_topic()
    {
        var (staying, leaving) = (new Watcher(), new Watcher());
        _audience.Watch("PGUB-35", staying);
        _audience.Watch("PGUB-35", leaving);

        _audience.Unwatch("PGUB-35", leaving);
        Change("PGUB-35", 1);
        await _ticker.TickAsync();
        _audience.Unwatch("PGUB-35", staying);

        Assert.Equal([1], staying.Heard);
        Assert.Empty(leaving.Heard);
        Assert.False(_audience.IsWatched("PGUB-35"));
    }

    [Fact]
    public async Task Ending_gives_every_watch_its_notice_once_and_forgets_them_all()
    {
        var (first, second) = (new Watcher(), new Watcher());
        _audience.Watch("PGUB-35", first);
        _audience.Watch("DPD-35", first);
        _audience.Watch("PGUB-35", second);
        var noticed = new List<(Watcher, string)>();

        _audience.Ending((observer, topic) =>
        {
            noticed.Add(((Watcher)observer, topic));
            return Task.CompletedTask;
        });
        Change("PGUB-35", 1);
        await _ticker.TickAsync();

        Assert.Equal(3, noticed.Count);
        Assert.Contains((first, "PGUB-35"), noticed);
        Assert.Contains((first, "DPD-35"), noticed);
        Assert.Contains((second, "PGUB-35"), noticed);
        Assert.Empty(first.Heard);
        Assert.False(_audience.IsWatched("PGUB-35"));
    }

    [Fact]
    public async Task At_once_when_idle_a_change_is_told_and_reported_in_the_callers_turn_and_only_a_burst_starts_the_timer()
    {
        var clock = new ShiftedClock();
        var interval = TimeSpan.FromHours(1);
        var schedule = new FlushSchedule(_ticker.Start, "test tps", interval, ReportAsync, NullLogger.Instance, _audience.Tell, clock);
        var watcher = new Watcher();
        _audience.Watch("PGUB-35", watcher);

        _state["PGUB-35"] = 1;
        schedule.MarkChanged("PGUB-35");
        Assert.Equal([["PGUB-35"]], _reports);
        Assert.Equal([1], watcher.Heard);
        Assert.Equal(0, _ticker.Starts);

        // A correction within the interval waits for the ticking, which then stops when quiet.
        _state["PGUB-35"] = 2;
        schedule.MarkChanged("PGUB-35");
        Assert.Single(_reports);
        Assert.Equal(1, _ticker.Starts);
        for (var tick = 0; tick < 3; tick++) await _ticker.TickAsync();
        Assert.Equal([1, 2], watcher.Heard);
        Assert.Equal(2, _reports.Count);
        Assert.False(_ticker.Running);

        clock.Advance(interval);
        _state["PGUB-35"] = 3;
        schedule.MarkChanged("PGUB-35");
        Assert.Equal(3, _reports.Count);
        Assert.Equal([1, 2, 3], watcher.Heard);
        Assert.Equal(1, _ticker.Starts);
    }

    [Fact]
    public async Task At_once_a_report_the_parent_refused_goes_back_to_the_ticking()
    {
        var clock = new ShiftedClock();
        var schedule = new FlushSchedule(_ticker.Start, "test tps", TimeSpan.FromHours(1), ReportAsync, NullLogger.Instance, _audience.Tell, clock);
        _parent = () => throw new TimeoutException("the village's silo is gone");

        schedule.MarkChanged("PGUB-35");
        Assert.True(schedule.HasPending);
        Assert.True(_ticker.Running);
        _parent = null;
        await _ticker.TickAsync();

        Assert.Equal([["PGUB-35"]], _reports);
        Assert.False(schedule.HasPending);
    }

    private void Change(string topic, int state)
    {
        _state[topic] = state;
        _schedule.MarkChanged(topic);
    }

    /// <summary>Stands for the parent: records what it was sent once it answers.</summary>
    private async Task ReportAsync(IReadOnlyCollection<string> topics)
    {
        if (_parent is { } parent) await parent();
        _reports.Add([.. topics.Order()]);
    }

    /// <summary>Stands for a grain timer: started at once, each tick one interval.</summary>
    private sealed class HandTicker
    {
        private Func<CancellationToken, Task>? _tick;

        public int Starts { get; private set; }

        public bool Running => _tick is not null;

        public IDisposable Start(Func<CancellationToken, Task> tick)
        {
            _tick = tick;
            Starts++;
            return new Stopping(this);
        }

        public Task TickAsync() => _tick?.Invoke(CancellationToken.None) ?? Task.CompletedTask;

        private sealed class Stopping(HandTicker ticker) : IDisposable
        {
            public void Dispose() => ticker._tick = null;
        }
    }

    private sealed class Watcher(bool throws = false) : ILiveObserver
    {
        public List<int> Heard { get; } = [];

        public int Calls { get; private set; }

        public Task Hear(int state)
        {
            Calls++;
            if (throws) throw new InvalidOperationException("this gateway is gone");
            Heard.Add(state);
            return Task.CompletedTask;
        }

        public Task OnTally(TallySnapshot tally) => throw new NotSupportedException();

        public Task OnAnomalies(AnomalyEntry[] entries) => throw new NotSupportedException();

        public Task OnWatchEnded(string contest, string region) => throw new NotSupportedException();
    }
}
