-- Who may do what. Whoever runs `migrate` (the owner role) owns every object here; silos and gateways connect as a
-- login role that is a member of the group role kpu_app, which holds exactly the privileges the running system
-- uses: it appends to the ledger, issues certificates and withdraws them, and runs Orleans' membership and grain
-- state queries. It cannot truncate, update or delete the ledger, rewrite a certificate or create objects.
-- The triggers below hold even for the owner: the ledger and the certificates are append-only for everyone.

-- TRUNCATE fires no row trigger, so the row guard of 0003 never saw it: a statement-level guard does.
DROP TRIGGER IF EXISTS kpu_ledger_no_truncate ON kpu_ledger;
CREATE TRIGGER kpu_ledger_no_truncate
    BEFORE TRUNCATE ON kpu_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION kpu_ledger_refuse_change();

CREATE OR REPLACE FUNCTION kpu_certificates_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kpu_certificates keeps every certificate as signed: % is not allowed', TG_OP;
END;
$$;

-- A certificate is what an office signed: the only change ever allowed is recording its withdrawal, once.
CREATE OR REPLACE FUNCTION kpu_certificates_withdraw_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.withdrawn_at IS NOT NULL THEN
        RAISE EXCEPTION 'certificate % was withdrawn already; a withdrawal is never rewritten', OLD.id;
    END IF;
    IF NEW.withdrawn_at IS NULL
       OR (NEW.id, NEW.contest, NEW.region, NEW.tally, NEW.digest, NEW.certified_by, NEW.certified_at)
          IS DISTINCT FROM (OLD.id, OLD.contest, OLD.region, OLD.tally, OLD.digest, OLD.certified_by, OLD.certified_at) THEN
        RAISE EXCEPTION 'certificate %: only its withdrawal (withdrawn_by, withdrawn_at, withdrawal_reason) may be recorded', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS kpu_certificates_withdraw_only ON kpu_certificates;
CREATE TRIGGER kpu_certificates_withdraw_only
    BEFORE UPDATE ON kpu_certificates
    FOR EACH ROW EXECUTE FUNCTION kpu_certificates_withdraw_only();

DROP TRIGGER IF EXISTS kpu_certificates_no_delete ON kpu_certificates;
CREATE TRIGGER kpu_certificates_no_delete
    BEFORE DELETE ON kpu_certificates
    FOR EACH ROW EXECUTE FUNCTION kpu_certificates_refuse_change();

DROP TRIGGER IF EXISTS kpu_certificates_no_truncate ON kpu_certificates;
CREATE TRIGGER kpu_certificates_no_truncate
    BEFORE TRUNCATE ON kpu_certificates
    FOR EACH STATEMENT EXECUTE FUNCTION kpu_certificates_refuse_change();

-- The group role is cluster-wide, so it may exist already (another database on this server, or the operator made
-- it). An owner allowed to create roles makes it; any other owner stops here with the one line to run.
DO $roles$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kpu_app') THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolcreaterole OR rolsuper)) THEN
        RAISE EXCEPTION 'The role kpu_app does not exist and % may not create it. As a superuser run: CREATE ROLE kpu_app NOLOGIN; then run migrate again.', current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        CREATE ROLE kpu_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created meanwhile by the migration of another database on this server
    END;
END
$roles$;

-- PostgreSQL 15 and later no longer let PUBLIC create in schema public; older servers do. Said here for both (a
-- warning, not an error, when the owner does not own the schema or the database).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- Temporary tables too: nothing here uses them.
DO $temp$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$temp$;
GRANT USAGE ON SCHEMA public TO kpu_app;

GRANT SELECT ON kpu_schema_migrations TO kpu_app;

GRANT SELECT, INSERT ON kpu_ledger TO kpu_app;
GRANT USAGE ON SEQUENCE kpu_ledger_seq_seq TO kpu_app;

GRANT SELECT, INSERT ON kpu_certificates TO kpu_app;
GRANT UPDATE (withdrawn_by, withdrawn_at, withdrawal_reason) ON kpu_certificates TO kpu_app;
GRANT USAGE ON SEQUENCE kpu_certificates_id_seq TO kpu_app;

-- Certification freezes (0005): recorded, read and released.
GRANT SELECT, INSERT ON kpu_freezes TO kpu_app;
GRANT UPDATE (released_at) ON kpu_freezes TO kpu_app;
GRANT USAGE ON SEQUENCE kpu_freezes_id_seq TO kpu_app;

-- Orleans reads its query texts; it never writes them.
GRANT SELECT ON orleansquery TO kpu_app;

-- Membership (0001): open a cluster, add silos, change their status and heartbeat (the version row is locked
-- FOR UPDATE, which needs UPDATE), forget dead silos and, on request, drop a whole cluster.
GRANT SELECT, INSERT, DELETE ON kpu_orleans_membership_version TO kpu_app;
GRANT UPDATE (version, changed_at) ON kpu_orleans_membership_version TO kpu_app;
GRANT SELECT, INSERT, DELETE ON kpu_orleans_membership TO kpu_app;
GRANT UPDATE (status, suspect_times, i_am_alive_time) ON kpu_orleans_membership TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_orleans_cluster_open(text) TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_orleans_claim_version(text, integer) TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_orleans_silo_add(text, text, integer, integer, text, text, integer, integer, timestamptz, timestamptz, integer) TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_orleans_silo_change(text, text, integer, integer, integer, text, timestamptz, integer) TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_orleans_cluster_drop(text) TO kpu_app;

-- Grain state (0002): create, read, replace, clear and delete.
GRANT SELECT, INSERT, DELETE ON kpu_orleans_grain_state TO kpu_app;
GRANT UPDATE (payload, version, modified_at) ON kpu_orleans_grain_state TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_orleans_state_write(text, integer, text, integer, bigint, bigint, text, integer, bytea) TO kpu_app;
