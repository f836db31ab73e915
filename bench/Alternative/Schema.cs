using Npgsql;

namespace KpuOrleans.Bench.Alternative;

/// <summary>
/// The two tables of the conventional design: every accepted form version, and a running total per (contest, region)
/// at every level from the TPS up. Prefixed <c>alt_</c> so that they can share a database with the real system's tables.
/// </summary>
public static class Schema
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS alt_forms (
            tps               text        COLLATE "C" NOT NULL,
            contest           text        COLLATE "C" NOT NULL,
            version           integer     NOT NULL,
            registered        integer     NOT NULL,
            voted_dpt         integer     NOT NULL,
            voted_dptb        integer     NOT NULL,
            voted_dpk         integer     NOT NULL,
            ballots_received  integer     NOT NULL,
            ballots_used      integer     NOT NULL,
            ballots_spoiled   integer     NOT NULL,
            ballots_unused    integer     NOT NULL,
            votes             integer[]   NOT NULL,  -- in the contest's ballot order
            valid             integer     NOT NULL,
            invalid           integer     NOT NULL,
            reason            text,
            photo_sha256      text,
            anomalies         text[]      NOT NULL,
            accepted_at       timestamptz NOT NULL,
            PRIMARY KEY (tps, contest, version)
        );
        CREATE TABLE IF NOT EXISTS alt_totals (
            contest              text        COLLATE "C" NOT NULL,
            region               text        COLLATE "C" NOT NULL,
            version              bigint      NOT NULL,  -- the sum of the latest form versions below, as the gateway's
            votes                bigint[]    NOT NULL,  -- in the contest's ballot order
            valid                bigint      NOT NULL,
            invalid              bigint      NOT NULL,
            voted                bigint      NOT NULL,
            registered_reported  bigint      NOT NULL,
            tps_reported         integer     NOT NULL,
            anomalies            integer     NOT NULL,
            updated_at           timestamptz NOT NULL,
            PRIMARY KEY (contest, region)
        );
        """;

    /// <summary>Creates the tables if missing; with <paramref name="reset"/>, empties them for a fresh run.</summary>
    public static async Task PrepareAsync(NpgsqlDataSource database, bool reset, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(reset ? Create + "TRUNCATE alt_forms, alt_totals;" : Create);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
