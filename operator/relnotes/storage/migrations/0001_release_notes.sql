-- One row per (resource uid, generation): the history of every note a ReleaseNote produced.
-- Rows are never removed when a resource is deleted; deleted_at marks them instead.
CREATE TABLE release_notes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid         text        NOT NULL,
    generation  bigint      NOT NULL CHECK (generation >= 0),
    namespace   text        NOT NULL,
    name        text        NOT NULL,
    component   text,
    environment text,
    version     text,
    spec        jsonb       NOT NULL,
    phase       text        NOT NULL CHECK (phase IN ('Generating', 'Ready', 'Failed')),
    draft       jsonb,
    provenance  jsonb,
    cache_key   text,
    cache_hit   boolean,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    CONSTRAINT release_notes_uid_generation_key UNIQUE (uid, generation)
);

-- The view's queries: one resource's history, and listings filtered by namespace, component or
-- version, newest first, paged by time.
CREATE INDEX release_notes_namespace_name_time ON release_notes (namespace, name, created_at DESC);
CREATE INDEX release_notes_namespace_time ON release_notes (namespace, created_at DESC);
CREATE INDEX release_notes_time ON release_notes (created_at DESC);
CREATE INDEX release_notes_component_time ON release_notes (component, created_at DESC)
    WHERE component IS NOT NULL;
CREATE INDEX release_notes_version_time ON release_notes (version, created_at DESC)
    WHERE version IS NOT NULL;
