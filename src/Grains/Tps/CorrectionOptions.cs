using Microsoft.Extensions.Options;

namespace KpuOrleans.Tps;

/// <summary>
/// Configuration section <c>Corrections</c>: how many corrections one TPS takes per contest within a sliding window
/// (API.md, "Limits"). A writer able to correct must not be able to lock a TPS by driving its version to the cap.
/// </summary>
public sealed class CorrectionOptions
{
    public const string Section = "Corrections";

    /// <summary>Beyond this, a version would be refused by rule 2 anyway: a larger limit means none.</summary>
    public const int MaxLimit = 100_000;

    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    /// <summary>Corrections (versions above 1) a (TPS, contest) takes within <see cref="Window"/>.</summary>
    public int Limit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Refuses a limit that would refuse every correction or never end, so that a typo stops the start-up.</summary>
public sealed class CorrectionOptionsValidation : IValidateOptions<CorrectionOptions>
{
    public ValidateOptionsResult Validate(string? name, CorrectionOptions options)
    {
        var failures = new List<string>();
        if (options.Limit is < 1 or > CorrectionOptions.MaxLimit)
            failures.Add($"{CorrectionOptions.Section}:{nameof(CorrectionOptions.Limit)} must be 1–{CorrectionOptions.MaxLimit}, not {options.Limit}.");
        if (options.Window <= TimeSpan.Zero || options.Window > CorrectionOptions.MaxWindow)
            failures.Add($"{CorrectionOptions.Section}:{nameof(CorrectionOptions.Window)} must be above 0 and at most {CorrectionOptions.MaxWindow}, not {options.Window}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
