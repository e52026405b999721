-- The facilitation toolkit: series, the run-of-show, the summary.

-- A recurring group. The organizer issue adds its schedule; for now it groups
-- sessions, carries their default ground rules, and links one session's
-- outcomes to the next.
CREATE TABLE series (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    ground_rules TEXT,                          -- a JSON array, or NULL for the defaults
    created_at   INTEGER NOT NULL
);

ALTER TABLE sessions ADD COLUMN series_id TEXT REFERENCES series(id);
ALTER TABLE sessions ADD COLUMN break_nudge_minutes INTEGER;
ALTER TABLE sessions ADD COLUMN warning_marks TEXT NOT NULL DEFAULT '[5,1]';
ALTER TABLE sessions ADD COLUMN summary_finalized_at INTEGER;
CREATE INDEX sessions_by_series ON sessions(series_id, starts_at);

-- The live run-of-show, written on every change so a restart resumes the
-- countdowns where they were. `sessions.agenda` is the plan it starts from.
CREATE TABLE run_of_show (
    session_id          TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    segments            TEXT NOT NULL,          -- a JSON array
    next_segment_id     INTEGER NOT NULL,
    started_at          INTEGER,
    planned_end         INTEGER NOT NULL,
    current_segment     INTEGER,
    segment_started_at  INTEGER,
    segment_deadline    INTEGER,
    paused_at           INTEGER,
    marks               TEXT NOT NULL,          -- a JSON array of minutes
    fired               TEXT NOT NULL,          -- a JSON array of fired warnings
    updated_at          INTEGER NOT NULL
);

-- Accepted summary items. No author column: items are de-identified.
CREATE TABLE summary_items (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('takeaway', 'consensus', 'outcome', 'follow_up')),
    text       TEXT NOT NULL,
    PRIMARY KEY (session_id, id)
);

-- Idempotency keys of applied summary changes: a retry is recognised.
CREATE TABLE summary_keys (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, key)
);
