-- Orleans grain state on PostgreSQL (Microsoft.Orleans.Persistence.AdoNet, Invariant "Npgsql").
--
-- The provider reads the texts stored under WriteToStorageKey, ReadFromStorageKey, ClearStorageKey and
-- (when DeleteStateOnClear is set) DeleteStorageKey from OrleansQuery, and binds these parameters:
--   @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
--   @GrainIdExtensionString (NULL for keys without extension), @GrainStateVersion (the ETag, NULL
--   when the grain has never seen a stored row) and @PayloadBinary.
--
-- ETag model: "version" counts accepted writes/clears of one grain's state. A write or clear must name
-- the version it last read; the statement then either moves the row to version + 1 and returns the new
-- number, or changes nothing and returns NULL (or no row), which the provider turns into an
-- InconsistentStateException. A grain with no row (ETag NULL) may only create it; a unique index makes
-- concurrent creators collide, so exactly one of them wins.
--
-- Safe to run more than once.

-- Also created by 0001; repeated so this script does not depend on it.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (QueryKey)
);

CREATE TABLE IF NOT EXISTS kpu_orleans_grain_state
(
    service_id      text        NOT NULL,
    grain_type_hash integer     NOT NULL,
    grain_type      text        NOT NULL,
    grain_id_hash   integer     NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_id_ext    text        NULL,
    payload         bytea       NULL,      -- NULL after a clear that keeps the row
    version         integer     NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kpu_orleans_grain_state_version_ck CHECK (version >= 1)
);

-- Identity of a stored state. Long strings are indexed through md5 to stay within btree limits, and
-- "no extension" (NULL) is kept apart from an empty extension. The hash columns lead so that the
-- lookups below, which filter on them, can use this index as well.
CREATE UNIQUE INDEX IF NOT EXISTS kpu_orleans_grain_state_identity
    ON kpu_orleans_grain_state
    (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1,
     md5(grain_type), (grain_id_ext IS NULL), md5(coalesce(grain_id_ext, '')));

-- Creates (p_expected_version NULL) or replaces (p_expected_version = current version) one state.
-- Returns the new version, or NULL when the caller's view of the version was stale.
CREATE OR REPLACE FUNCTION kpu_orleans_state_write(
    p_service_id       text,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_id_ext     text,
    p_expected_version integer,
    p_payload          bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO kpu_orleans_grain_state
            (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1,
             grain_id_ext, payload, version, modified_at)
        VALUES
            (p_service_id, p_grain_type_hash, p_grain_type, p_grain_id_hash, p_grain_id_n0, p_grain_id_n1,
             p_grain_id_ext, p_payload, 1, now())
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new_version;
    ELSE
        UPDATE kpu_orleans_grain_state AS s
           SET payload = p_payload,
               version = s.version + 1,
               modified_at = now()
         WHERE s.service_id = p_service_id
           AND s.grain_type_hash = p_grain_type_hash
           AND s.grain_id_hash = p_grain_id_hash
           AND s.grain_id_n0 = p_grain_id_n0
           AND s.grain_id_n1 = p_grain_id_n1
           AND s.grain_type = p_grain_type
           AND s.grain_id_ext IS NOT DISTINCT FROM p_grain_id_ext
           AND s.version = p_expected_version
        RETURNING s.version INTO v_new_version;
    END IF;
    RETURN v_new_version;  -- NULL when nothing was written
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
(
    'WriteToStorageKey',
    $q$SELECT kpu_orleans_state_write(
        @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
        @GrainIdExtensionString, @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion";$q$
),
(
    -- At most one row. A cleared state comes back with a NULL payload but still carries its version.
    'ReadFromStorageKey',
    $q$SELECT s.payload AS "PayloadBinary",
           s.version AS "Version"
      FROM kpu_orleans_grain_state AS s
     WHERE s.service_id = @ServiceId
       AND s.grain_type_hash = @GrainTypeHash
       AND s.grain_id_hash = @GrainIdHash
       AND s.grain_id_n0 = @GrainIdN0
       AND s.grain_id_n1 = @GrainIdN1
       AND s.grain_type = @GrainTypeString
       AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString;$q$
),
(
    -- Keeps the row, drops the payload and advances the version; NULL on a stale ETag.
    'ClearStorageKey',
    $q$WITH cleared AS (
        UPDATE kpu_orleans_grain_state AS s
           SET payload = NULL,
               version = s.version + 1,
               modified_at = now()
         WHERE s.service_id = @ServiceId
           AND s.grain_type_hash = @GrainTypeHash
           AND s.grain_id_hash = @GrainIdHash
           AND s.grain_id_n0 = @GrainIdN0
           AND s.grain_id_n1 = @GrainIdN1
           AND s.grain_type = @GrainTypeString
           AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
           AND s.version = @GrainStateVersion
        RETURNING s.version)
    SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";$q$
),
(
    -- Used with DeleteStateOnClear: removes the row. The provider only needs a value that differs from
    -- the ETag it sent, so the removed version + 1 is returned; NULL on a stale ETag.
    'DeleteStorageKey',
    $q$WITH removed AS (
        DELETE FROM kpu_orleans_grain_state AS s
         WHERE s.service_id = @ServiceId
           AND s.grain_type_hash = @GrainTypeHash
           AND s.grain_id_hash = @GrainIdHash
           AND s.grain_id_n0 = @GrainIdN0
           AND s.grain_id_n1 = @GrainIdN1
           AND s.grain_type = @GrainTypeString
           AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
           AND s.version = @GrainStateVersion
        RETURNING s.version)
    SELECT (SELECT version + 1 FROM removed) AS "NewGrainStateVersion";$q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
