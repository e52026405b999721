-- Recurring series: a schedule that makes one session per occurrence.

ALTER TABLE series ADD COLUMN every_weeks INTEGER;          -- 1 or 2; NULL: not recurring
ALTER TABLE series ADD COLUMN first_starts_at INTEGER;
ALTER TABLE series ADD COLUMN duration_minutes INTEGER;
ALTER TABLE series ADD COLUMN time_zone TEXT;
ALTER TABLE series ADD COLUMN occurrences INTEGER;          -- how many, after `count` or `until`
ALTER TABLE series ADD COLUMN until_date TEXT;              -- the `until` asked for, if any

-- Where an occurrence was first scheduled: a calendar names a changed
-- occurrence by its original time (RECURRENCE-ID).
ALTER TABLE sessions ADD COLUMN original_starts_at INTEGER;

-- Links that work for every occurrence of a series: each opens the one
-- happening now or next.
CREATE TABLE series_invitations (
    id          TEXT PRIMARY KEY,
    series_id   TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    token_hash  BLOB NOT NULL UNIQUE,
    generation  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
