using KpuOrleans.Certification;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

/// <summary>The embedded mode keeps the freeze rule of Sql/0005_freezes.sql: its ledger and register share one set of freezes.</summary>
public class InMemoryFreezeTests
{
    private const string Contest = "PGUB-35";
    private const string District = "35.78.01";
    private const string Tps = "35.78.01.1001.001";

    private readonly InMemoryFreezes _freezes = new();
    private readonly InMemoryLedger _ledger;
    private readonly InMemoryCertificateRegister _register;

    public InMemoryFreezeTests()
    {
        _ledger = new InMemoryLedger(_freezes);
        _register = new InMemoryCertificateRegister(_freezes);
    }

    [Fact]
    public async Task A_correction_under_a_freeze_or_certificate_is_refused_and_first_forms_and_retries_are_not()
    {
        var first = Form(Tps, 1);
        await _ledger.AppendAsync(Accepted(first));
        var second = await _ledger.AppendAsync(Accepted(Form(Tps, 2)));
        var freeze = await _register.FreezeAsync(Contest, District, "ppk");

        var refused = await Assert.ThrowsAsync<LedgerRowRefusedException>(() => _ledger.AppendAsync(Accepted(Form(Tps, 3))));
        Assert.Equal(LedgerRowRefusedException.FrozenSqlState, refused.SqlState);
        Assert.True((await _ledger.AppendAsync(Accepted(Form("35.78.01.1001.002", 1)))).Appended);
        Assert.True((await _ledger.AppendAsync(Accepted(Form("35.79.01.1001.001", 1)))).Appended);
        var retry = await _ledger.AppendAsync(Accepted(Form(Tps, 2)));
        Assert.False(retry.Appended);
        Assert.Same(second.Stored, retry.Stored);

        Assert.Equal(IssueOutcome.Issued, await _register.IssueAsync(Certificate("ppk"), freeze));
        Assert.False(await _register.ReleaseAsync(freeze));
        await Assert.ThrowsAsync<LedgerRowRefusedException>(() => _ledger.AppendAsync(Accepted(Form(Tps, 3))));
        Assert.True(await _register.WithdrawAsync(Contest, District, new Withdrawal("ppk", DateTimeOffset.UtcNow, "recount")));
        Assert.True((await _ledger.AppendAsync(Accepted(Form(Tps, 3)))).Appended);
    }

    [Fact]
    public async Task A_duplicate_certification_shares_the_freeze_and_cannot_issue_once_the_other_released_it()
    {
        await _ledger.AppendAsync(Accepted(Form(Tps, 1)));
        var first = await _register.FreezeAsync(Contest, District, "ppk-a");
        Assert.Equal(first, await _register.FreezeAsync(Contest, District, "ppk-b"));
        Assert.True(await _register.ReleaseAsync(first));
        Assert.True((await _ledger.AppendAsync(Accepted(Form(Tps, 2)))).Appended);

        Assert.Equal(IssueOutcome.FreezeLifted, await _register.IssueAsync(Certificate("ppk-a"), first));
        Assert.Empty(await _register.ReadInForceAsync([District]));
        var stale = await _register.FreezeAsync(Contest, District, "ppk-c");
        Assert.NotEqual(first, stale);
        Assert.Equal(IssueOutcome.Issued, await _register.IssueAsync(Certificate("ppk-c"), stale));
        Assert.Equal(IssueOutcome.AlreadyCertified, await _register.IssueAsync(Certificate("ppk-a"), await _register.FreezeAsync(Contest, District, "ppk-a")));
    }

    private static ResultForm Form(string tps, long version) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest(Contest)!, new Random(tps.GetHashCode() + (int)version), version);

    private static AcceptedForm Accepted(ResultForm form) => new(form, DateTimeOffset.UtcNow, "officer", []);

    private static Certificate Certificate(string officer)
    {
        var contest = Jatim.Registry.FindContest(Contest)!;
        return new Certificate(new TallySnapshot(Contest, District, Tally.Zero(contest.Candidates.Count), DateTimeOffset.UtcNow, "digest"),
            officer, DateTimeOffset.UtcNow);
    }
}
