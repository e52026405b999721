-- Organizers: accounts that schedule sessions and series.

CREATE TABLE organizers (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,               -- argon2id, PHC string
    time_zone     TEXT NOT NULL,               -- IANA name, for showing times
    created_at    INTEGER NOT NULL
);

-- Logged-in browsers. Only the hash of the cookie's token is kept.
CREATE TABLE organizer_logins (
    token_hash   BLOB PRIMARY KEY,
    organizer_id TEXT NOT NULL REFERENCES organizers(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

ALTER TABLE sessions ADD COLUMN organizer_id TEXT REFERENCES organizers(id);
ALTER TABLE sessions ADD COLUMN cancelled_at INTEGER;
-- The waiting room opens this many minutes before the start.
ALTER TABLE sessions ADD COLUMN opens_minutes_before INTEGER NOT NULL DEFAULT 15;
-- The facilitators assigned to run it: a JSON array of names.
ALTER TABLE sessions ADD COLUMN facilitators TEXT NOT NULL DEFAULT '[]';
CREATE INDEX sessions_by_organizer ON sessions(organizer_id, starts_at);

ALTER TABLE series ADD COLUMN organizer_id TEXT REFERENCES organizers(id);

-- Tokens are derived from a server key, the invitation id and this
-- generation: regenerating a link bumps it, and the old token stops matching.
ALTER TABLE invitations ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
