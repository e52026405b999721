-- PostgreSQL's form of migrations/sqlite/0002: series, the run-of-show, the summary.

CREATE TABLE series (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    ground_rules TEXT,                          -- a JSON array, or NULL for the defaults
    created_at   BIGINT NOT NULL
);

ALTER TABLE sessions ADD COLUMN series_id TEXT REFERENCES series(id);
ALTER TABLE sessions ADD COLUMN break_nudge_minutes BIGINT;
ALTER TABLE sessions ADD COLUMN warning_marks TEXT NOT NULL DEFAULT '[5,1]';
ALTER TABLE sessions ADD COLUMN summary_finalized_at BIGINT;
CREATE INDEX sessions_by_series ON sessions(series_id, starts_at);

CREATE TABLE run_of_show (
    session_id          TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    segments            TEXT NOT NULL,          -- a JSON array
    next_segment_id     BIGINT NOT NULL,
    started_at          BIGINT,
    planned_end         BIGINT NOT NULL,
    current_segment     BIGINT,
    segment_started_at  BIGINT,
    segment_deadline    BIGINT,
    paused_at           BIGINT,
    marks               TEXT NOT NULL,          -- a JSON array of minutes
    fired               TEXT NOT NULL,          -- a JSON array of fired warnings
    updated_at          BIGINT NOT NULL
);

-- Accepted summary items. No author column: items are de-identified.
CREATE TABLE summary_items (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id         BIGINT NOT NULL,
    position   BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('takeaway', 'consensus', 'outcome', 'follow_up')),
    text       TEXT NOT NULL,
    PRIMARY KEY (session_id, id)
);

-- Idempotency keys of applied summary changes: a retry is recognised.
CREATE TABLE summary_keys (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    applied_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, key)
);
