using Microsoft.Extensions.Options;

namespace KpuOrleans.Tallies;

/// <summary>Configuration section <c>Tally</c>.</summary>
public sealed class TallyOptions
{
    public const string Section = "Tally";

    public static readonly TimeSpan MinFlushInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>A viewer waits up to one interval for a change: beyond this, live tallies stop feeling live.</summary>
    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often a node may report to its parent and tell its watchers, from one timer. Changes inside one interval
    /// travel up as one report and reach viewers as one push, which keeps the upper levels cool whatever the load
    /// (DESIGN.md invariant 5). An idle node reports and pushes at once.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(150);
}

/// <summary>
/// Refuses an interval that would flood the upper levels with reports or leave viewers waiting, so that a typo stops
/// the start-up.
/// </summary>
public sealed class TallyOptionsValidation : IValidateOptions<TallyOptions>
{
    public ValidateOptionsResult Validate(string? name, TallyOptions options) =>
        options.FlushInterval < TallyOptions.MinFlushInterval || options.FlushInterval > TallyOptions.MaxFlushInterval
            ? ValidateOptionsResult.Fail(
                $"{TallyOptions.Section}:{nameof(TallyOptions.FlushInterval)} must be {TallyOptions.MinFlushInterval.TotalMilliseconds:0}–" +
                $"{TallyOptions.MaxFlushInterval.TotalMilliseconds:0} ms, not {options.FlushInterval}.")
            : ValidateOptionsResult.Success;
}
