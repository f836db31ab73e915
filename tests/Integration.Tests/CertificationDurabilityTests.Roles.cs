using System.Net;
using System.Text.Json;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.TestKit;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

public partial class CertificationDurabilityTests
{
    /// <summary>
    /// README "Database roles": after `migrate` as the owner, silos and a gateway connected as the application role do
    /// everything an election night asks of them (forms, a correction, certification, withdrawal, certification anew,
    /// the exports, a verification), so its few privileges are enough.
    /// </summary>
    [Fact]
    public async Task A_cluster_running_as_the_application_role_does_a_whole_night_s_work()
    {
        await using var cluster = new LocalCluster(PostgresServer.Shared, silos: 2, asApplicationRole: true);
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var district = SmallestDistrict();
        var contest = Jatim.Registry.FindContest(Contest)!;

        var forms = await FillAsync(cluster, district.Code, seed: 11);
        var tps = Jatim.Registry.Get(forms[0].Tps);
        var correction = SampleForms.Correction(forms[0], tps, contest, new Random(12));
        await ExpectAsync(HttpStatusCode.Created, PostFormAsync(cluster, correction));
        var first = await ExpectAsync(HttpStatusCode.Created, CertifyAsync(cluster, district.Code, Ppk(district.Code)));
        var withdrawn = await ExpectAsync(HttpStatusCode.OK, WithdrawAsync(cluster, district.Code, Ppk(district.Code), "recount ordered"));
        Assert.Equal("recount ordered", withdrawn.GetProperty("withdrawn").GetProperty("reason").GetString());
        var recount = SampleForms.Correction(correction, tps, contest, new Random(13));
        await ExpectAsync(HttpStatusCode.Created, PostFormAsync(cluster, recount));
        var second = await ExpectAsync(HttpStatusCode.Created, CertifyAsync(cluster, district.Code, Ppk(district.Code)));
        Assert.NotEqual(first.GetProperty("digest").GetString(), second.GetProperty("digest").GetString());

        var certificates = JsonDocument.Parse(await ReadTextAsync(cluster, $"/api/v1/export/{Contest}/certificates.json")).RootElement;
        Assert.Equal(2, certificates.GetArrayLength());
        var csv = await ReadTextAsync(cluster, $"/api/v1/export/{Contest}.csv");
        Assert.Contains($"{recount.Tps},3,", csv);
        var (exitCode, verify) = await cluster.VerifyAsync();
        Assert.True(exitCode == 0, verify);

        // Every connection the processes hold is the application role's: none of them ever used the owner's.
        // (This test process's own pool of owner connections, which waited for the silos, is closed first.)
        using (var pooled = new NpgsqlConnection(cluster.ConnectionString)) NpgsqlConnection.ClearPool(pooled);
        await using var owner = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var sessions = owner.CreateCommand(
            "SELECT array_agg(DISTINCT usename::text) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        Assert.Equal(["kpu_silo"], (string[])(await sessions.ExecuteScalarAsync())!);
    }

    /// <summary>Development keeps one role for everything: a silo of the owner migrates at start-up, as before.</summary>
    [Fact]
    public async Task A_silo_of_the_owner_on_an_unmigrated_database_migrates_it_and_joins()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("kpu_roles");
        await using var silo = KpuProcess.Silo("silo-owner", new Dictionary<string, string?>
        {
            ["ConnectionStrings__Kpu"] = database,
            ["Orleans__ClusterId"] = $"roles-{Guid.NewGuid():N}"[..20],
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
            ["POD_IP"] = "127.0.0.1",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        }).Start();
        await using var check = NpgsqlDataSource.Create(database);
        await Eventually.HoldsAsync(async () =>
        {
            if (silo.ExitCode is { } code) throw new InvalidOperationException($"the silo exited with {code}; see {silo.LogPath}");
            if (!await KpuOrleans.Postgres.Migrations.IsCurrentAsync(check)) return (false, "schema not current");
            await using var active = check.CreateCommand("SELECT count(*) FROM kpu_orleans_membership WHERE status = 3");
            var count = (long)(await active.ExecuteScalarAsync())!;
            return (count == 1, $"{count} active silos");
        }, TimeSpan.FromSeconds(90), "the silo migrated the schema and joined its cluster");
    }

    /// <summary>A silo of the application role on a database nobody migrated stops at once and says who must migrate it.</summary>
    [Fact]
    public async Task A_silo_of_the_application_role_on_an_unmigrated_database_exits_saying_to_run_migrate_as_the_owner()
    {
        var database = PostgresServer.AsApplication(await PostgresServer.Shared.CreateDatabaseAsync("kpu_roles"));
        var silo = KpuProcess.Silo("silo-unmigrated", new Dictionary<string, string?>
        {
            ["ConnectionStrings__Kpu"] = database,
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });
        await using (silo)
        {
            var (exitCode, output) = await silo.RunToEndAsync(TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 3, $"exit {exitCode}: {output}");
            Assert.Contains("Run `migrate` with the owner's connection string", output);
        }
        await using var check = NpgsqlDataSource.Create(database);
        Assert.False(await KpuOrleans.Postgres.Migrations.IsCurrentAsync(check));
    }
}
