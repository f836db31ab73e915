using KpuOrleans.Registry;

namespace KpuOrleans.Forms;

/// <summary>
/// The arithmetic and registry rules of API.md ("Submitting a TPS result"). A form that breaks any of them is
/// rejected whole. Each broken rule yields one entry, keyed by the field most likely at fault, so that an operator
/// re-reading the paper form knows which number to look at first.
/// </summary>
public static class FormRules
{
    public const long MaxNumber = 100_000;
    public const int MaxReasonLength = 500;

    /// <summary>API.md's rule against control characters in text (NUL, C0 but tab and newline, DEL, C1).</summary>
    public const int ControlRule = 9;

    /// <param name="unreadable">Numbers the parser could not read as integers (rule 2), by field path; the
    /// arithmetic rules are skipped when there are any, since their sums would be meaningless.</param>
    public static FormErrors Validate(ResultForm form, RegionRegistry registry, IReadOnlyDictionary<string, string>? unreadable = null)
    {
        var errors = new FormErrors();
        foreach (var (path, message) in unreadable ?? new Dictionary<string, string>()) errors.Add(2, path, message);

        var tps = CheckPlace(form, registry, errors);
        var contest = registry.FindContest(form.Contest);
        // Ballot numbers are judged against the contest only where it is the right contest for this place.
        var ballotsMatch = contest is not null && (tps is null || contest.Covers(tps.Code)) && CheckBallotNumbers(form, contest, errors);
        var inRange = CheckRanges(form, errors) && (unreadable is null || unreadable.Count == 0);

        if (tps is not null && form.Registered != tps.Registered)
            errors.Add(3, "registered", $"registered ({form.Registered}) must equal the DPT of TPS {tps.Code} in the registry ({tps.Registered})");
        if (form.Voted.Dpt > form.Registered)
            errors.Add(4, "voted.dpt", $"voted.dpt ({form.Voted.Dpt}) must not exceed registered ({form.Registered})");
        if (inRange) CheckSums(form, errors, ballotsMatch);
        CheckVersion(form, errors);
        CheckText(form, errors);
        if (form.PhotoSha256 is { } photo && !IsSha256(photo))
            errors.Add(FormErrors.PhotoRule, "photoSha256", "photoSha256 must be 64 hexadecimal characters (the SHA-256 of the form's photo)");
        if (form.Photos is { } pages) CheckPages(form, pages, errors);
        return errors;
    }

    public const int MaxPages = 8;

    private static bool IsSha256(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigit);

    /// <summary>API.md, "Forms cite their photos": 1 to 8 pages, each a SHA-256, none twice, and photoSha256 among them.</summary>
    private static void CheckPages(ResultForm form, IReadOnlyList<string> pages, FormErrors errors)
    {
        if (pages.Count is 0 or > MaxPages)
            errors.Add(FormErrors.PhotoRule, "photos", $"photos must list 1 to {MaxPages} pages, not {pages.Count}");
        for (var i = 0; i < pages.Count; i++)
        {
            if (!IsSha256(pages[i]))
                errors.Add(FormErrors.PhotoRule, $"photos[{i}]", $"photos[{i}] must be 64 hexadecimal characters (the SHA-256 of a page's photo)");
        }
        if (pages.GroupBy(p => p, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors.Add(FormErrors.PhotoRule, "photos", $"page {twice.Key} appears {twice.Count()} times in photos; each page once");
        if (form.PhotoSha256 is { } one && !pages.Contains(one, StringComparer.OrdinalIgnoreCase))
            errors.Add(FormErrors.PhotoRule, "photoSha256", "photoSha256 must be one of photos when both are given (it is the one-page form of photos)");
    }

    private static RegionInfo? CheckPlace(ResultForm form, RegionRegistry registry, FormErrors errors)
    {
        var tps = registry.Find(form.Tps);
        if (tps is null || tps.Level != Level.Tps)
        {
            errors.Add(1, "tps", $"'{form.Tps}' is not a TPS of the registry");
            tps = null;
        }
        var contest = registry.FindContest(form.Contest);
        if (contest is null) errors.Add(1, "contest", $"'{form.Contest}' is not a contest");
        else if (tps is not null && !contest.Covers(tps.Code))
            errors.Add(1, "contest", $"contest {contest.Id} (scope {contest.Scope}) does not cover TPS {tps.Code}");
        return tps;
    }

    private static bool CheckBallotNumbers(ResultForm form, Contest contest, FormErrors errors)
    {
        var missing = contest.Candidates.Where(c => !form.Votes.ContainsKey(c.Number)).Select(c => c.Number).ToList();
        var unknown = form.Votes.Keys.Where(k => contest.IndexOf(k) < 0).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && unknown.Count == 0) return true;
        var expected = string.Join(", ", contest.Candidates.Select(c => c.Number));
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"missing {string.Join(", ", missing)}");
        if (unknown.Count > 0) problems.Add($"unknown {string.Join(", ", unknown)}");
        errors.Add(1, "votes", $"votes must have exactly the ballot numbers of {contest.Id} ({expected}): {string.Join("; ", problems)}");
        return false;
    }

    private static bool CheckRanges(ResultForm form, FormErrors errors)
    {
        var ok = true;
        void Check(string path, long value)
        {
            if (value is >= 0 and <= MaxNumber) return;
            errors.Add(2, path, $"{path} ({value}) must be an integer from 0 to {MaxNumber:N0}");
            ok = false;
        }
        Check("version", form.Version);
        Check("registered", form.Registered);
        Check("voted.dpt", form.Voted.Dpt);
        Check("voted.dptb", form.Voted.Dptb);
        Check("voted.dpk", form.Voted.Dpk);
        Check("ballots.received", form.Ballots.Received);
        Check("ballots.used", form.Ballots.Used);
        Check("ballots.spoiled", form.Ballots.Spoiled);
        Check("ballots.unused", form.Ballots.Unused);
        foreach (var (number, count) in form.Votes) Check($"votes.{number}", count);
        Check("valid", form.Valid);
        Check("invalid", form.Invalid);
        return ok;
    }

    /// <summary>
    /// Rules 5, 6 and 7. Where rule 6's three totals disagree, the odd one out is named. Rule 5 is left to rule 1
    /// when the ballot numbers themselves are wrong: their sum would say nothing more.
    /// </summary>
    private static void CheckSums(ResultForm form, FormErrors errors, bool ballotsMatch)
    {
        var sumOfVotes = form.Votes.Values.Sum();
        var cast = form.Valid + form.Invalid;
        var voted = form.Voted.Total;
        var used = form.Ballots.Used;
        var rule5Broken = ballotsMatch && sumOfVotes != form.Valid;
        var castIsOdd = cast != voted && voted == used;

        if (rule5Broken)
            errors.Add(5, castIsOdd ? "valid" : "votes", $"valid ({form.Valid}) must equal the sum of votes ({sumOfVotes})");
        if (cast != voted || voted != used)
        {
            var blamed = castIsOdd ? (rule5Broken ? "valid" : "invalid")
                : cast == used ? "voted"
                : "ballots.used";
            errors.Add(6, blamed,
                $"valid + invalid ({cast}), voted.dpt + voted.dptb + voted.dpk ({voted}) and ballots.used ({used}) must be equal");
        }
        var accounted = form.Ballots.Used + form.Ballots.Spoiled + form.Ballots.Unused;
        if (accounted != form.Ballots.Received)
            errors.Add(7, "ballots.received",
                $"ballots.used + ballots.spoiled + ballots.unused ({accounted}) must equal ballots.received ({form.Ballots.Received})");
    }

    /// <summary>
    /// Rule 9: text PostgreSQL cannot store (NUL) or a reader cannot be trusted to show as sent (other control
    /// characters, C1 and DEL included; tab and newline are fine in a reason). Checked on every string the form
    /// carries, so that nothing reaches the ledger that it would refuse.
    /// </summary>
    private static void CheckText(ResultForm form, FormErrors errors)
    {
        void Check(string path, string? text)
        {
            if (text is not null && HasControl(text))
                errors.Add(ControlRule, path, $"{path} must not hold NUL or other control characters (tab and newline excepted)");
        }
        Check("tps", form.Tps);
        Check("contest", form.Contest);
        foreach (var number in form.Votes.Keys) Check($"votes.{number}", number);
        Check("reason", form.Reason);
        Check("photoSha256", form.PhotoSha256);
        for (var i = 0; i < (form.Photos?.Count ?? 0); i++) Check($"photos[{i}]", form.Photos![i]);
    }

    /// <summary>Whether <paramref name="text"/> holds a control character other than tab and newline.</summary>
    public static bool HasControl(string text) => text.Any(c => char.IsControl(c) && c is not ('\t' or '\n'));

    private static void CheckVersion(ResultForm form, FormErrors errors)
    {
        if (form.Version < 1) errors.Add(8, "version", $"version ({form.Version}) must be 1 or more");
        var reasonLength = form.Reason?.Trim().Length ?? 0;
        if (form.Version > 1 && reasonLength == 0)
            errors.Add(8, "reason", $"a correction (version {form.Version}) needs a reason of 1 to {MaxReasonLength} characters");
        else if (form.Reason is not null && form.Reason.Length > MaxReasonLength)
            errors.Add(8, "reason", $"reason must be at most {MaxReasonLength} characters (it has {form.Reason.Length})");
    }
}
