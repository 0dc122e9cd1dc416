-- What the read-only view needs: a total order to page on, full-text search, and a change signal.

-- Keyset pagination walks (created_at, id): id breaks ties between rows written in one
-- transaction (same now()), so no note is skipped or repeated between pages.
CREATE INDEX release_notes_time_id ON release_notes (created_at DESC, id DESC);
-- "Is there a newer row of this note?" (the index shows each note's newest row only): one probe.
CREATE INDEX release_notes_newest ON release_notes (namespace, name, created_at DESC, id DESC);

-- Full-text search over the change summary and the note sentence, kept by Postgres itself.
ALTER TABLE release_notes ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english'::regconfig,
                coalesce(spec ->> 'changeSummary', '') || ' ' || coalesce(draft ->> 'releaseNote', ''))
) STORED;
CREATE INDEX release_notes_search ON release_notes USING gin (search);

-- Filters the index offers on the note itself.
CREATE INDEX release_notes_environment_time ON release_notes (environment, created_at DESC)
    WHERE environment IS NOT NULL;
CREATE INDEX release_notes_category ON release_notes ((draft ->> 'category'));
CREATE INDEX release_notes_risk ON release_notes ((draft ->> 'risk'));

-- Every write announces itself once per statement, so each view replica drops its page cache
-- within a round trip instead of polling (LISTEN release_notes_changed).
CREATE FUNCTION release_notes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('release_notes_changed', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER release_notes_changed AFTER INSERT OR UPDATE OR DELETE ON release_notes
    FOR EACH STATEMENT EXECUTE FUNCTION release_notes_changed();
