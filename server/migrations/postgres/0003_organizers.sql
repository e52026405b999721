-- PostgreSQL's form of migrations/sqlite/0003: organizers' accounts.
-- SQLite compares addresses without case (COLLATE NOCASE); here a unique
-- index on lower(email) keeps one account per address, and the store's
-- queries compare lower() on both sides, which means the same in both.

CREATE TABLE organizers (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,               -- argon2id, PHC string
    time_zone     TEXT NOT NULL,               -- IANA name, for showing times
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizers_by_email ON organizers(lower(email));

-- Logged-in browsers. Only the hash of the cookie's token is kept.
CREATE TABLE organizer_logins (
    token_hash   BYTEA PRIMARY KEY,
    organizer_id TEXT NOT NULL REFERENCES organizers(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

ALTER TABLE sessions ADD COLUMN organizer_id TEXT REFERENCES organizers(id);
ALTER TABLE sessions ADD COLUMN cancelled_at BIGINT;
ALTER TABLE sessions ADD COLUMN opens_minutes_before BIGINT NOT NULL DEFAULT 15;
ALTER TABLE sessions ADD COLUMN facilitators TEXT NOT NULL DEFAULT '[]';
CREATE INDEX sessions_by_organizer ON sessions(organizer_id, starts_at);

ALTER TABLE series ADD COLUMN organizer_id TEXT REFERENCES organizers(id);

ALTER TABLE invitations ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
