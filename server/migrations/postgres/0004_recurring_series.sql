-- PostgreSQL's form of migrations/sqlite/0004: recurring series.

ALTER TABLE series ADD COLUMN every_weeks BIGINT;          -- 1 or 2; NULL: not recurring
ALTER TABLE series ADD COLUMN first_starts_at BIGINT;
ALTER TABLE series ADD COLUMN duration_minutes BIGINT;
ALTER TABLE series ADD COLUMN time_zone TEXT;
ALTER TABLE series ADD COLUMN occurrences BIGINT;
ALTER TABLE series ADD COLUMN until_date TEXT;

ALTER TABLE sessions ADD COLUMN original_starts_at BIGINT;

CREATE TABLE series_invitations (
    id          TEXT PRIMARY KEY,
    series_id   TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    token_hash  BYTEA NOT NULL UNIQUE,
    generation  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    rowid       BIGINT GENERATED ALWAYS AS IDENTITY
);
