-- The result ledger: every accepted version of every (TPS, contest) form, append-only.
-- Codes use the "C" collation so that ranges and ordering are bytewise, as the registry's code order is.
CREATE TABLE IF NOT EXISTS kpu_ledger (
    seq               bigserial   NOT NULL,
    tps               text        COLLATE "C" NOT NULL,
    contest           text        COLLATE "C" NOT NULL,
    version           integer     NOT NULL CHECK (version >= 1),
    registered        integer     NOT NULL,
    voted_dpt         integer     NOT NULL,
    voted_dptb        integer     NOT NULL,
    voted_dpk         integer     NOT NULL,
    ballots_received  integer     NOT NULL,
    ballots_used      integer     NOT NULL,
    ballots_spoiled   integer     NOT NULL,
    ballots_unused    integer     NOT NULL,
    votes             jsonb       NOT NULL,
    valid             integer     NOT NULL,
    invalid           integer     NOT NULL,
    reason            text,
    photo_sha256      text,
    anomalies         jsonb       NOT NULL DEFAULT '[]'::jsonb,
    submitted_by      text        NOT NULL,
    accepted_at       timestamptz NOT NULL,
    CONSTRAINT kpu_ledger_pk PRIMARY KEY (tps, contest, version)
);

-- Export and per-contest recounts read one contest in TPS order.
CREATE INDEX IF NOT EXISTS kpu_ledger_by_contest ON kpu_ledger (contest, tps, version DESC);

-- Append-only is enforced by the database, not only by the code that writes to it.
CREATE OR REPLACE FUNCTION kpu_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kpu_ledger is append-only: % is not allowed', TG_OP;
END;
$$;

DROP TRIGGER IF EXISTS kpu_ledger_append_only ON kpu_ledger;
CREATE TRIGGER kpu_ledger_append_only
    BEFORE UPDATE OR DELETE ON kpu_ledger
    FOR EACH ROW EXECUTE FUNCTION kpu_ledger_refuse_change();
