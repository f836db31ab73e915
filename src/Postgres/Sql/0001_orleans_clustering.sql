-- Orleans cluster membership on PostgreSQL (Microsoft.Orleans.Clustering.AdoNet, Invariant "Npgsql").
--
-- The provider loads every row of OrleansQuery at start-up and runs the text stored under each key,
-- binding its own parameter names (@DeploymentId, @Address, ...) and reading result columns by name.
-- Everything else here (tables, functions, their names) is ours to choose.
--
-- Concurrency model: each cluster (DeploymentId) owns one row in kpu_orleans_membership_version.
-- Every change to a silo row must present the version number the caller last read; the change and
-- the version bump happen together while that row is locked, or nothing happens and FALSE is returned.
-- Heartbeats (IAmAliveTime) are the exception: Orleans writes them without a version check.
--
-- Safe to run more than once.

-- Query catalogue shared by all Orleans ADO.NET providers. The providers issue the unquoted statement
-- "SELECT QueryKey, QueryText FROM OrleansQuery", so the names must stay unquoted (folded to lower case).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (QueryKey)
);

-- One row per cluster; "version" is the optimistic-concurrency token Orleans calls the table version.
CREATE TABLE IF NOT EXISTS kpu_orleans_membership_version
(
    deployment_id text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kpu_orleans_membership_version_pk PRIMARY KEY (deployment_id)
);

-- One row per silo incarnation (address, port and generation identify it).
CREATE TABLE IF NOT EXISTS kpu_orleans_membership
(
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,  -- Orleans SiloStatus: 3 = Active, 6 = Dead
    proxy_port      integer     NOT NULL DEFAULT 0,  -- gateway port, 0 when the silo is no gateway
    suspect_times   text        NULL,      -- "silo,time|silo,time" as formatted by Orleans
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT kpu_orleans_membership_pk PRIMARY KEY (deployment_id, address, port, generation),
    CONSTRAINT kpu_orleans_membership_cluster_fk FOREIGN KEY (deployment_id)
        REFERENCES kpu_orleans_membership_version (deployment_id)
);

-- Creates the version row of a cluster if it is missing; TRUE only for the caller that created it.
CREATE OR REPLACE FUNCTION kpu_orleans_cluster_open(p_deployment_id text)
RETURNS boolean
LANGUAGE sql
AS $fn$
    WITH created AS (
        INSERT INTO kpu_orleans_membership_version (deployment_id, version)
        VALUES (p_deployment_id, 0)
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM created);
$fn$;

-- Locks the cluster's version row for the rest of the transaction, but only while it still holds the version the
-- caller read; FALSE when another writer has moved it on (the caller then changes nothing).
CREATE OR REPLACE FUNCTION kpu_orleans_claim_version(p_deployment_id text, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
      FROM kpu_orleans_membership_version AS v
     WHERE v.deployment_id = p_deployment_id
       AND v.version = p_expected_version
       FOR UPDATE;
    RETURN FOUND;
END
$fn$;

-- Adds a silo row. Succeeds only when the cluster is still at p_expected_version and the silo row
-- does not exist yet; on success the cluster version moves on by one.
CREATE OR REPLACE FUNCTION kpu_orleans_silo_add(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF NOT kpu_orleans_claim_version(p_deployment_id, p_expected_version) THEN
        RETURN false;
    END IF;

    INSERT INTO kpu_orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name,
         status, proxy_port, suspect_times, start_time, i_am_alive_time)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, coalesce(p_proxy_port, 0), NULL, p_start_time, p_i_am_alive_time)
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;  -- already present: leave the version untouched
    END IF;

    UPDATE kpu_orleans_membership_version AS v
       SET version = v.version + 1,
           changed_at = now()
     WHERE v.deployment_id = p_deployment_id;
    RETURN true;
END
$fn$;

-- Changes status, suspicions and heartbeat of an existing silo row under the same version rule.
CREATE OR REPLACE FUNCTION kpu_orleans_silo_change(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF NOT kpu_orleans_claim_version(p_deployment_id, p_expected_version) THEN
        RETURN false;
    END IF;

    UPDATE kpu_orleans_membership AS m
       SET status = p_status,
           suspect_times = p_suspect_times,
           i_am_alive_time = p_i_am_alive_time
     WHERE m.deployment_id = p_deployment_id
       AND m.address = p_address
       AND m.port = p_port
       AND m.generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;  -- unknown silo: nothing changed, version untouched
    END IF;

    UPDATE kpu_orleans_membership_version AS v
       SET version = v.version + 1,
           changed_at = now()
     WHERE v.deployment_id = p_deployment_id;
    RETURN true;
END
$fn$;

-- Removes a whole cluster: its silo rows first, then its version row.
CREATE OR REPLACE FUNCTION kpu_orleans_cluster_drop(p_deployment_id text)
RETURNS void
LANGUAGE sql
AS $fn$
    DELETE FROM kpu_orleans_membership WHERE deployment_id = p_deployment_id;
    DELETE FROM kpu_orleans_membership_version WHERE deployment_id = p_deployment_id;
$fn$;

-- The query texts Orleans runs. Result column aliases are quoted so that they come back exactly
-- as the provider asks for them.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
(
    'InsertMembershipVersionKey',
    $q$SELECT kpu_orleans_cluster_open(@DeploymentId) AS "Created";$q$
),
(
    'InsertMembershipKey',
    $q$SELECT kpu_orleans_silo_add(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Inserted";$q$
),
(
    'UpdateMembershipKey',
    $q$SELECT kpu_orleans_silo_change(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version) AS "Updated";$q$
),
(
    'UpdateIAmAlivetimeKey',
    $q$UPDATE kpu_orleans_membership
       SET i_am_alive_time = @IAmAliveTime
     WHERE deployment_id = @DeploymentId
       AND address = @Address
       AND port = @Port
       AND generation = @Generation;$q$
),
(
    -- The cluster row is the driving side of the join so that a cluster without silos still yields
    -- one row carrying the version (the silo columns are then NULL).
    'MembershipReadRowKey',
    $q$SELECT m.address         AS "Address",
           m.port            AS "Port",
           m.generation      AS "Generation",
           m.silo_name       AS "SiloName",
           m.host_name       AS "HostName",
           m.status          AS "Status",
           m.proxy_port      AS "ProxyPort",
           m.suspect_times   AS "SuspectTimes",
           m.start_time      AS "StartTime",
           m.i_am_alive_time AS "IAmAliveTime",
           v.version         AS "Version"
      FROM kpu_orleans_membership_version AS v
      LEFT JOIN kpu_orleans_membership AS m
        ON m.deployment_id = v.deployment_id
       AND m.address = @Address
       AND m.port = @Port
       AND m.generation = @Generation
     WHERE v.deployment_id = @DeploymentId;$q$
),
(
    'MembershipReadAllKey',
    $q$SELECT m.address         AS "Address",
           m.port            AS "Port",
           m.generation      AS "Generation",
           m.silo_name       AS "SiloName",
           m.host_name       AS "HostName",
           m.status          AS "Status",
           m.proxy_port      AS "ProxyPort",
           m.suspect_times   AS "SuspectTimes",
           m.start_time      AS "StartTime",
           m.i_am_alive_time AS "IAmAliveTime",
           v.version         AS "Version"
      FROM kpu_orleans_membership_version AS v
      LEFT JOIN kpu_orleans_membership AS m
        ON m.deployment_id = v.deployment_id
     WHERE v.deployment_id = @DeploymentId;$q$
),
(
    'GatewaysQueryKey',
    $q$SELECT address    AS "Address",
           proxy_port AS "ProxyPort",
           generation AS "Generation"
      FROM kpu_orleans_membership
     WHERE deployment_id = @DeploymentId
       AND status = @Status
       AND proxy_port > 0;$q$
),
(
    'DeleteMembershipTableEntriesKey',
    $q$SELECT kpu_orleans_cluster_drop(@DeploymentId);$q$
),
(
    -- Fallback cleanup, used by the provider only when CleanupDefunctSiloEntryKey is absent:
    -- forget Dead (status 6) silos that started and last sent a heartbeat before @IAmAliveTime.
    'CleanupDefunctSiloEntriesKey',
    $q$DELETE FROM kpu_orleans_membership
     WHERE deployment_id = @DeploymentId
       AND status = 6
       AND i_am_alive_time < @IAmAliveTime
       AND start_time < @IAmAliveTime;$q$
),
(
    -- Optional key, preferred by Orleans 10.x when present: the provider reads the table, picks Dead
    -- silos that are old enough, and removes each one only if the row still holds exactly what it read
    -- (status, start time, heartbeat and suspicions), so a row that changed in the meantime survives.
    'CleanupDefunctSiloEntryKey',
    $q$DELETE FROM kpu_orleans_membership
     WHERE deployment_id = @DeploymentId
       AND address = @Address
       AND port = @Port
       AND generation = @Generation
       AND status = 6
       AND start_time = @StartTime
       AND i_am_alive_time = @IAmAliveTime
       AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '');$q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
