using System.Runtime.CompilerServices;
using System.Text.Json;
using KpuOrleans.Certification;
using KpuOrleans.Tallies;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// Certificates in <c>kpu_certificates</c>, beside the ledger they vouch for (Sql/0004_certificates.sql), and the
/// districts' freezes in <c>kpu_freezes</c>, which the ledger's trigger obeys (Sql/0005_freezes.sql).
/// </summary>
public sealed class PostgresCertificateRegister(NpgsqlDataSource database) : ICertificateRegister
{
    private const string Columns = "tally, certified_by, certified_at, withdrawn_by, withdrawn_at, withdrawal_reason";

    public Task<IReadOnlyList<Certificate>> ReadInForceAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {Columns} FROM kpu_certificates WHERE region = ANY(@key) AND withdrawn_at IS NULL", regions.ToArray(), cancellationToken);

    public Task<IReadOnlyList<Certificate>> ReadAllAsync(string contest, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {Columns} FROM kpu_certificates WHERE contest = @key ORDER BY region, certified_at, id", contest, cancellationToken);

    public async IAsyncEnumerable<Certificate> StreamAllAsync(string contest, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM kpu_certificates WHERE contest = @key ORDER BY region, certified_at, id");
        command.Parameters.AddWithValue("key", contest);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) yield return Read(reader);
    }

    public async Task<long> FreezeAsync(string contest, string district, string officer, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Waits for the corrections of the district already past their check (Sql/0005_freezes.sql). Each statement
        // below takes its snapshot after the wait, so it sees a freeze another certification committed meanwhile.
        await using (var wait = new NpgsqlCommand("SELECT kpu_district_lock(@contest, @district, true)", connection, transaction))
        {
            wait.Parameters.AddWithValue("contest", contest);
            wait.Parameters.AddWithValue("district", district);
            await wait.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO kpu_freezes (contest, district, frozen_by, frozen_at) VALUES (@contest, @district, @by, now())
            ON CONFLICT (contest, district) WHERE released_at IS NULL DO NOTHING
            RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("contest", contest);
            insert.Parameters.AddWithValue("district", district);
            insert.Parameters.AddWithValue("by", officer);
            if (await insert.ExecuteScalarAsync(cancellationToken) is long recorded)
            {
                await transaction.CommitAsync(cancellationToken);
                return recorded;
            }
        }
        await using var inForce = new NpgsqlCommand(
            "SELECT id FROM kpu_freezes WHERE contest = @contest AND district = @district AND released_at IS NULL", connection, transaction);
        inForce.Parameters.AddWithValue("contest", contest);
        inForce.Parameters.AddWithValue("district", district);
        var id = (long)(await inForce.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    public async Task<bool> ReleaseAsync(long freeze, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("UPDATE kpu_freezes SET released_at = now() WHERE id = @id AND released_at IS NULL");
        command.Parameters.AddWithValue("id", freeze);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IssueOutcome> IssueAsync(Certificate certificate, long? freeze, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (freeze is { } id)
        {
            // Releasing it first locks its row until this transaction ends: a concurrent release waits and then finds
            // it released, and if another certification released it already, its read-back may miss corrections
            // stored since, so nothing is issued. Released here, the certificate guards the district from the same commit on.
            await using var release = new NpgsqlCommand("UPDATE kpu_freezes SET released_at = now() WHERE id = @id AND released_at IS NULL", connection, transaction);
            release.Parameters.AddWithValue("id", id);
            if (await release.ExecuteNonQueryAsync(cancellationToken) == 0) return IssueOutcome.FreezeLifted;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO kpu_certificates (contest, region, tally, digest, certified_by, certified_at)
            VALUES (@contest, @region, @tally::jsonb, @digest, @by, @at)
            ON CONFLICT (contest, region) WHERE withdrawn_at IS NULL DO NOTHING
            """, connection, transaction);
        command.Parameters.AddWithValue("contest", certificate.Contest);
        command.Parameters.AddWithValue("region", certificate.Region);
        command.Parameters.AddWithValue("tally", JsonSerializer.Serialize(certificate.Tally));
        command.Parameters.AddWithValue("digest", certificate.Tally.Digest!);
        command.Parameters.AddWithValue("by", certificate.CertifiedBy);
        command.Parameters.AddWithValue("at", certificate.CertifiedAt.UtcDateTime);
        // Nothing issued: the freeze stays as it was, for the certification that holds it to release.
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0) return IssueOutcome.AlreadyCertified;
        await transaction.CommitAsync(cancellationToken);
        return IssueOutcome.Issued;
    }

    public async Task<bool> WithdrawAsync(string contest, string region, Withdrawal withdrawal, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("""
            UPDATE kpu_certificates SET withdrawn_by = @by, withdrawn_at = @at, withdrawal_reason = @reason
            WHERE contest = @contest AND region = @region AND withdrawn_at IS NULL
            """);
        command.Parameters.AddWithValue("contest", contest);
        command.Parameters.AddWithValue("region", region);
        command.Parameters.AddWithValue("by", withdrawal.By);
        command.Parameters.AddWithValue("at", withdrawal.At.UtcDateTime);
        command.Parameters.AddWithValue("reason", withdrawal.Reason);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<IReadOnlyList<Certificate>> ReadAsync(string sql, object key, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var certificates = new List<Certificate>();
        while (await reader.ReadAsync(cancellationToken)) certificates.Add(Read(reader));
        return certificates;
    }

    /// <summary>One row of <see cref="Columns"/>.</summary>
    private static Certificate Read(NpgsqlDataReader reader)
    {
        var withdrawal = reader.IsDBNull(4) ? null
            : new Withdrawal(reader.GetString(3), new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero), reader.GetString(5));
        return new Certificate(JsonSerializer.Deserialize<TallySnapshot>(reader.GetString(0))!,
            reader.GetString(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), withdrawal);
    }
}
