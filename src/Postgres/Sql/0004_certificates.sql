-- Certificates: each tier's sign-off of one contest in one region, with the tally and digest it signed. A
-- withdrawal is recorded on the row, never erased; at most one certificate per (contest, region) is in force.
CREATE TABLE IF NOT EXISTS kpu_certificates (
    id                bigserial   PRIMARY KEY,
    contest           text        COLLATE "C" NOT NULL,
    region            text        COLLATE "C" NOT NULL,
    tally             jsonb       NOT NULL,
    digest            text        NOT NULL,
    certified_by      text        NOT NULL,
    certified_at      timestamptz NOT NULL,
    withdrawn_by      text,
    withdrawn_at      timestamptz,
    withdrawal_reason text,
    CONSTRAINT kpu_certificates_withdrawal_whole CHECK (
        (withdrawn_by IS NULL) = (withdrawn_at IS NULL) AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL))
);

CREATE UNIQUE INDEX IF NOT EXISTS kpu_certificates_in_force ON kpu_certificates (contest, region) WHERE withdrawn_at IS NULL;

CREATE INDEX IF NOT EXISTS kpu_certificates_by_region ON kpu_certificates (region);
