-- Freezes: a district's certification records one here before it settles the TPS below and reads its tally back
-- from the ledger. From then on the database itself refuses a correction (a ledger row of version > 1) in that
-- district and contest, in the correction's own transaction, until the freeze is released: when the certification
-- fails, or in the same transaction that issues the certificate, which then guards the district until it is
-- withdrawn. Rows are never deleted or rewritten; only released_at is set, once, from NULL.
CREATE TABLE IF NOT EXISTS kpu_freezes (
    id          bigserial   PRIMARY KEY,
    contest     text        COLLATE "C" NOT NULL,
    district    text        COLLATE "C" NOT NULL,
    frozen_by   text        NOT NULL,
    frozen_at   timestamptz NOT NULL,
    released_at timestamptz
);

-- One freeze in force per district and contest: a second certification of it (a duplicate activation of its grain
-- while the cluster's membership changes) takes over the one in force instead of recording another.
CREATE UNIQUE INDEX IF NOT EXISTS kpu_freezes_in_force ON kpu_freezes (contest, district) WHERE released_at IS NULL;

-- Why a lock and not only a lookup: in READ COMMITTED a correction whose INSERT took its snapshot before the freeze
-- committed would not see the freeze, and would commit after the certification had read the ledger back: a row under
-- a certificate that does not count it. So each correction takes this lock SHARED, in its own transaction, before it
-- looks; recording a freeze takes it EXCLUSIVE. The freeze therefore waits until every correction of the district
-- that has looked already has committed or rolled back (its row is then in the ledger the certification reads
-- back), and every correction that looks after the freeze waits for the freeze to commit and then sees it: a
-- PL/pgSQL statement after the lock wait takes a fresh snapshot, and a commit is visible before its locks are let go.
-- Corrections of one district share the lock, so they never wait for each other; first forms (version 1) never
-- take it. The two-key form keeps these locks apart from the single-key one the migrations take.
CREATE OR REPLACE FUNCTION kpu_district_lock(of_contest text, of_district text, exclusive boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF exclusive THEN
        PERFORM pg_advisory_xact_lock(1263556934, hashtext(of_contest || '/' || of_district)); -- 0x4B505546, "KPUF"
    ELSE
        PERFORM pg_advisory_xact_lock_shared(1263556934, hashtext(of_contest || '/' || of_district));
    END IF;
END;
$$;

-- A correction is refused while its district is frozen or certified. The certificate is checked as well as the
-- freeze because the certificate takes the freeze over when it is issued (so a withdrawal is one row's update and
-- opens the district with nothing else to undo), and because certificates issued before this migration have no
-- freeze at all. SQLSTATE 23K01 is class 23, an integrity refusal: the ledger isolates the row from its group commit
-- and answers its sender 409 Certified (LedgerRowRefusedException.FrozenSqlState).
CREATE OR REPLACE FUNCTION kpu_ledger_refuse_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    of_district text := array_to_string((string_to_array(NEW.tps, '.'))[1:3], '.');
BEGIN
    -- A retry of a row the ledger holds already changes nothing (ON CONFLICT DO NOTHING returns the stored row): let
    -- it through, so that its sender gets its first answer back rather than a refusal.
    IF EXISTS (SELECT 1 FROM kpu_ledger l WHERE l.tps = NEW.tps AND l.contest = NEW.contest AND l.version = NEW.version) THEN
        RETURN NEW;
    END IF;
    PERFORM kpu_district_lock(NEW.contest, of_district, false);
    IF EXISTS (SELECT 1 FROM kpu_freezes f WHERE f.contest = NEW.contest AND f.district = of_district AND f.released_at IS NULL)
       OR EXISTS (SELECT 1 FROM kpu_certificates c WHERE c.contest = NEW.contest AND c.region = of_district AND c.withdrawn_at IS NULL) THEN
        RAISE EXCEPTION 'district % is frozen or certified for %: correction % v% refused', of_district, NEW.contest, NEW.tps, NEW.version
            USING ERRCODE = '23K01', HINT = 'the district''s certificate must be withdrawn before a form below it changes';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS kpu_ledger_frozen ON kpu_ledger;
CREATE TRIGGER kpu_ledger_frozen
    BEFORE INSERT ON kpu_ledger
    FOR EACH ROW WHEN (NEW.version > 1) EXECUTE FUNCTION kpu_ledger_refuse_frozen();
