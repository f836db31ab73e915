-- Disputes: anyone's report that a TPS's numbers differ from its photographed form, and an officer's resolution of
-- it. Both tables are append-only for everyone (the owner too): a report is never edited, and a resolution is a row of
-- its own beside the report, added once, so the audit of who settled what, when and why stays whole.
CREATE TABLE IF NOT EXISTS kpu_disputes (
    id         bigserial   PRIMARY KEY,
    tps        text        COLLATE "C" NOT NULL,
    contest    text        COLLATE "C" NOT NULL,
    version    integer     NOT NULL CHECK (version >= 1),
    field      text        NOT NULL,
    note       text        NOT NULL CHECK (char_length(note) BETWEEN 1 AND 500),
    -- A keyed hash (HMAC-SHA256, hex) of the reporter's client address; the address itself is never stored.
    reporter   text        NOT NULL,
    opened_at  timestamptz NOT NULL
);

-- "At or below a region" is a range of TPS codes (COLLATE "C": the dotted prefixes sort bytewise, as in the ledger's
-- reads), and a TPS's own counts are the start of that range.
CREATE INDEX IF NOT EXISTS kpu_disputes_by_tps ON kpu_disputes (tps, contest, id);
-- The reporter's earlier reports of a TPS and contest, for deduplication.
CREATE INDEX IF NOT EXISTS kpu_disputes_by_reporter ON kpu_disputes (reporter, tps, contest);

CREATE TABLE IF NOT EXISTS kpu_dispute_resolutions (
    dispute     bigint      PRIMARY KEY REFERENCES kpu_disputes (id),
    outcome     text        NOT NULL CHECK (outcome IN ('dismissed', 'corrected')),
    reason      text        CHECK (char_length(reason) BETWEEN 1 AND 500),
    version     integer     CHECK (version >= 2),
    resolved_by text        NOT NULL,
    resolved_at timestamptz NOT NULL,
    CONSTRAINT kpu_dispute_resolutions_whole CHECK (
        (outcome = 'dismissed' AND reason IS NOT NULL AND version IS NULL)
        OR (outcome = 'corrected' AND reason IS NULL AND version IS NOT NULL))
);

-- Why no unique index keeps one open report per reporter: "open" means "no row in kpu_dispute_resolutions", which a
-- partial index on kpu_disputes cannot see. So the register opens a report in a transaction that first takes
-- kpu_dispute_reporter_lock for the (reporter, TPS, contest), then looks for an open one, then inserts: two opens of
-- the same reporter wait for each other, and the second, whose lookup (a new statement after the wait, with a fresh
-- snapshot in READ COMMITTED) sees the first's committed row, returns it instead. Different reporters whose keys
-- share a hash only wait for each other, never merge.
CREATE OR REPLACE FUNCTION kpu_dispute_reporter_lock(of_reporter text, of_tps text, of_contest text) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(1263555668, hashtext(of_reporter || '/' || of_tps || '/' || of_contest)); -- 0x4B505554, "KPUT"
$$;

CREATE OR REPLACE FUNCTION kpu_disputes_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;

DROP TRIGGER IF EXISTS kpu_disputes_append_only ON kpu_disputes;
CREATE TRIGGER kpu_disputes_append_only
    BEFORE UPDATE OR DELETE ON kpu_disputes
    FOR EACH ROW EXECUTE FUNCTION kpu_disputes_refuse_change();
DROP TRIGGER IF EXISTS kpu_disputes_no_truncate ON kpu_disputes;
CREATE TRIGGER kpu_disputes_no_truncate
    BEFORE TRUNCATE ON kpu_disputes
    FOR EACH STATEMENT EXECUTE FUNCTION kpu_disputes_refuse_change();

DROP TRIGGER IF EXISTS kpu_dispute_resolutions_append_only ON kpu_dispute_resolutions;
CREATE TRIGGER kpu_dispute_resolutions_append_only
    BEFORE UPDATE OR DELETE ON kpu_dispute_resolutions
    FOR EACH ROW EXECUTE FUNCTION kpu_disputes_refuse_change();
DROP TRIGGER IF EXISTS kpu_dispute_resolutions_no_truncate ON kpu_dispute_resolutions;
CREATE TRIGGER kpu_dispute_resolutions_no_truncate
    BEFORE TRUNCATE ON kpu_dispute_resolutions
    FOR EACH STATEMENT EXECUTE FUNCTION kpu_disputes_refuse_change();

-- The running system opens, resolves and reads; it never changes a row (the triggers would refuse it anyway).
GRANT SELECT, INSERT ON kpu_disputes TO kpu_app;
GRANT USAGE ON SEQUENCE kpu_disputes_id_seq TO kpu_app;
GRANT SELECT, INSERT ON kpu_dispute_resolutions TO kpu_app;
GRANT EXECUTE ON FUNCTION kpu_dispute_reporter_lock(text, text, text) TO kpu_app;
