-- Photos of the C.Hasil form (API.md, "Photos of the form"). A form's pages are kept with its row; which photos are
-- stored is kept beside the ledger, so that whether a form still waits for a page (photo-missing) is recomputed from
-- this database alone, like every tally. The bytes live in the photo store; a row here is written only after they do.
ALTER TABLE kpu_ledger ADD COLUMN IF NOT EXISTS photos text[];

-- Which forms cite a photo that just arrived. Most rows of a night cite pages; rows without any stay out of it.
CREATE INDEX IF NOT EXISTS kpu_ledger_photos ON kpu_ledger USING gin (photos) WHERE photos IS NOT NULL;

CREATE TABLE IF NOT EXISTS kpu_photos (
    sha256        text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type  text        NOT NULL,
    bytes         bigint      NOT NULL CHECK (bytes > 0),
    width         integer     NOT NULL,
    height        integer     NOT NULL,
    stored_at     timestamptz NOT NULL
);

-- A photo is named by its content: once recorded, nothing about it may change or go, for the owner either.
CREATE OR REPLACE FUNCTION kpu_photos_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kpu_photos records each stored photo once: % is not allowed', TG_OP;
END;
$$;

DROP TRIGGER IF EXISTS kpu_photos_append_only ON kpu_photos;
CREATE TRIGGER kpu_photos_append_only
    BEFORE UPDATE OR DELETE ON kpu_photos
    FOR EACH ROW EXECUTE FUNCTION kpu_photos_refuse_change();

DROP TRIGGER IF EXISTS kpu_photos_no_truncate ON kpu_photos;
CREATE TRIGGER kpu_photos_no_truncate
    BEFORE TRUNCATE ON kpu_photos
    FOR EACH STATEMENT EXECUTE FUNCTION kpu_photos_refuse_change();

GRANT SELECT, INSERT ON kpu_photos TO kpu_app;
