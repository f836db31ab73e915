using KpuOrleans.Forms;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

/// <summary>Each rule of API.md, broken on its own, gives exactly the error it should, keyed by the field at fault.</summary>
public class FormRulesTests
{
    private const string Tps = "35.78.01.1001.004";
    private static readonly ResultForm Good = SampleForms.Valid(
        Jatim.Registry.Get(Tps), Jatim.Registry.FindContest("PGUB-35")!, new Random(7));

    private static Dictionary<string, string[]> Errors(ResultForm form, IReadOnlyDictionary<string, string>? unreadable = null) =>
        FormRules.Validate(form, Jatim.Registry, unreadable).ToDictionary();

    [Fact]
    public void The_sample_form_keeps_every_rule() => Assert.Empty(Errors(Good));

    [Theory]
    [InlineData("35.78.01.1001.999")]
    [InlineData("35.78.01.1001")]
    [InlineData("../35")]
    public void Rule1_tps_must_be_a_TPS_of_the_registry(string tps) =>
        Assert.Equal(["tps"], Errors(Good with { Tps = tps }).Keys);

    [Fact]
    public void Rule1_contest_must_exist() =>
        Assert.Equal(["contest"], Errors(Good with { Contest = "PGUB-99" }).Keys);

    [Fact]
    public void Rule1_contest_scope_must_contain_the_TPS()
    {
        var errors = Errors(Good with { Contest = "PBUP-35.07" });
        Assert.Equal(["contest"], errors.Keys);
        Assert.Contains("does not cover", errors["contest"][0]);
    }

    [Fact]
    public void Rule1_votes_must_have_exactly_the_ballot_numbers()
    {
        var missing = new Dictionary<string, long>(Good.Votes);
        missing.Remove("3");
        var errors = Errors(Good with { Votes = missing });
        Assert.Equal(["votes"], errors.Keys);
        Assert.Single(errors["votes"]);
        Assert.Contains("missing 3", errors["votes"][0]);

        var extra = new Dictionary<string, long>(Good.Votes) { ["4"] = 0 };
        errors = Errors(Good with { Votes = extra });
        Assert.Equal(["votes"], errors.Keys);
        Assert.Contains("unknown 4", errors["votes"][0]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100_001)]
    public void Rule2_numbers_must_be_from_0_to_100000(long value)
    {
        var errors = Errors(Good with { Ballots = Good.Ballots with { Spoiled = value } });
        Assert.Contains("ballots.spoiled", errors.Keys);
        Assert.Contains("100,000", errors["ballots.spoiled"][0]);
    }

    [Fact]
    public void Rule2_a_vote_count_out_of_range_is_named_by_its_ballot_number()
    {
        var votes = new Dictionary<string, long>(Good.Votes) { ["2"] = -5 };
        Assert.Contains("votes.2", Errors(Good with { Votes = votes }).Keys);
    }

    [Fact]
    public void Rule2_numbers_that_are_not_integers_are_reported_and_skip_the_sums()
    {
        var errors = Errors(Good, new Dictionary<string, string> { ["valid"] = "valid (300.5) must be an integer" });
        Assert.Equal(["valid"], errors.Keys);
    }

    [Fact]
    public void Rule3_registered_must_equal_the_registry_DPT()
    {
        var errors = Errors(Good with { Registered = Good.Registered + 1 });
        Assert.Equal(["registered"], errors.Keys);
        Assert.Contains(Jatim.Registry.Get(Tps).Registered.ToString(), errors["registered"][0]);
    }

    [Fact]
    public void Rule4_voters_from_the_DPT_cannot_exceed_registered()
    {
        // Keep every other rule: move voters from DPTb into an impossible DPT count.
        var tooMany = Good.Registered + 1;
        var form = Consistent(Good with { Voted = new VotedCounts(tooMany, 0, 0) });
        Assert.Equal(["voted.dpt"], Errors(form).Keys);
    }

    [Fact]
    public void Rule5_a_misread_vote_count_blames_votes()
    {
        var votes = new Dictionary<string, long>(Good.Votes) { ["1"] = Good.Votes["1"] + 10 };
        var errors = Errors(Good with { Votes = votes });
        Assert.Equal(["votes"], errors.Keys);
        Assert.Contains("sum of votes", errors["votes"][0]);
    }

    [Fact]
    public void Rule5_and_rule6_a_misread_valid_blames_valid()
    {
        var errors = Errors(Good with { Valid = Good.Valid + 1 });
        Assert.Equal(["valid"], errors.Keys);
        Assert.Equal(2, errors["valid"].Length);
    }

    [Fact]
    public void Rule6_a_misread_invalid_blames_invalid() =>
        Assert.Equal(["invalid"], Errors(Good with { Invalid = Good.Invalid + 1 }).Keys);

    [Fact]
    public void Rule6_a_misread_voter_count_blames_voted() =>
        Assert.Equal(["voted"], Errors(Good with { Voted = Good.Voted with { Dpk = Good.Voted.Dpk + 1 } }).Keys);

    [Fact]
    public void Rule6_and_rule7_a_misread_ballots_used_blames_it_and_the_ballot_sum()
    {
        var errors = Errors(Good with { Ballots = Good.Ballots with { Used = Good.Ballots.Used + 1 } });
        Assert.Equal(["ballots.received", "ballots.used"], errors.Keys.Order());
    }

    [Fact]
    public void Rule7_ballots_must_add_up_to_those_received() =>
        Assert.Equal(["ballots.received"], Errors(Good with { Ballots = Good.Ballots with { Unused = Good.Ballots.Unused + 1 } }).Keys);

    [Fact]
    public void Rule8_version_must_be_at_least_1() =>
        Assert.Equal(["version"], Errors(Good with { Version = 0 }).Keys);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Rule8_a_correction_needs_a_reason(string? reason) =>
        Assert.Equal(["reason"], Errors(Good with { Version = 2, Reason = reason }).Keys);

    [Fact]
    public void Rule8_a_reason_is_at_most_500_characters()
    {
        Assert.Empty(Errors(Good with { Version = 2, Reason = new string('x', 500) }));
        Assert.Equal(["reason"], Errors(Good with { Version = 2, Reason = new string('x', 501) }).Keys);
    }

    [Fact]
    public void Photo_hash_must_be_64_hex_characters()
    {
        Assert.Empty(Errors(Good with { PhotoSha256 = new string('a', 64) }));
        Assert.Equal(["photoSha256"], Errors(Good with { PhotoSha256 = new string('g', 64) }).Keys);
    }

    [Fact]
    public void Several_broken_rules_are_all_reported()
    {
        var errors = Errors(Good with { Registered = 1, Version = 0, Invalid = Good.Invalid + 1 });
        Assert.Superset(new HashSet<string> { "registered", "version", "invalid", "voted.dpt" }, errors.Keys.ToHashSet());
        Assert.Contains("registered", errors.Keys);
        Assert.Contains("version", errors.Keys);
        Assert.Contains("invalid", errors.Keys);
    }

    /// <summary>Recomputes the derived totals so that only the rule under test is broken.</summary>
    private static ResultForm Consistent(ResultForm form)
    {
        var voted = form.Voted.Total;
        var votes = new Dictionary<string, long>(form.Votes.Keys.ToDictionary(k => k, _ => 0L)) { ["1"] = voted };
        var received = Math.Max(form.Ballots.Received, voted);
        return form with
        {
            Votes = votes,
            Valid = voted,
            Invalid = 0,
            Ballots = new BallotCounts(received, voted, 0, received - voted),
        };
    }

    public static TheoryData<string> ControlCharacters => new() { "\0", "\u0001", "\u001b", "\r", "\u007f", "\u0085", "\u009f" };

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public void Rule9_no_string_field_holds_a_control_character(string control)
    {
        var reason = Good with { Version = 2, Reason = $"recount{control}by PPS" };
        Assert.Equal(["reason"], Errors(reason).Keys);
        Assert.Equal(["9"], FormRules.Validate(reason, Jatim.Registry).Rules);

        var photo = Good with { PhotoSha256 = new string('a', 63) + control };
        Assert.Contains("9", FormRules.Validate(photo, Jatim.Registry).Rules);
        Assert.Equal(["photoSha256"], Errors(photo).Keys);

        // Rule 1 still names the place and the ballot numbers that are not the registry's.
        var tps = FormRules.Validate(Good with { Tps = Tps + control }, Jatim.Registry);
        Assert.Equal(["1", "9"], tps.Rules);
        Assert.Equal(["tps"], tps.ToDictionary().Keys);
        var contest = FormRules.Validate(Good with { Contest = control + "PGUB-35" }, Jatim.Registry);
        Assert.Equal(["1", "9"], contest.Rules);
        Assert.Equal(["contest"], contest.ToDictionary().Keys);

        var key = "1" + control;
        var votes = FormRules.Validate(Good with { Votes = Good.Votes.ToDictionary(v => v.Key == "1" ? key : v.Key, v => v.Value) }, Jatim.Registry);
        Assert.Equal(["1", "9"], votes.Rules);
        Assert.Contains($"votes.{key}", votes.ToDictionary().Keys);
    }

    [Fact]
    public void Rule9_allows_tab_and_newline_in_a_reason() =>
        Assert.Empty(Errors(Good with { Version = 2, Reason = "recount:\tPPS\nsecond line" }));
}
