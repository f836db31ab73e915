using System.Runtime.CompilerServices;
using System.Text.Json;
using KpuOrleans.Certification;
using KpuOrleans.Tallies;
using Npgsql;

namespace KpuOrleans.Silo.Storage;

/// <summary>Certificates in <c>kpu_certificates</c>, beside the ledger they vouch for (Sql/0004_certificates.sql).</summary>
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

    public async Task<bool> IssueAsync(Certificate certificate, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO kpu_certificates (contest, region, tally, digest, certified_by, certified_at)
            VALUES (@contest, @region, @tally::jsonb, @digest, @by, @at)
            ON CONFLICT (contest, region) WHERE withdrawn_at IS NULL DO NOTHING
            """);
        command.Parameters.AddWithValue("contest", certificate.Contest);
        command.Parameters.AddWithValue("region", certificate.Region);
        command.Parameters.AddWithValue("tally", JsonSerializer.Serialize(certificate.Tally));
        command.Parameters.AddWithValue("digest", certificate.Tally.Digest!);
        command.Parameters.AddWithValue("by", certificate.CertifiedBy);
        command.Parameters.AddWithValue("at", certificate.CertifiedAt.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
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
