-- Times are integers: milliseconds since the Unix epoch, UTC.

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,          -- a UUID
    title            TEXT NOT NULL,
    starts_at        INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    time_zone        TEXT NOT NULL,             -- an IANA name, for display
    capacity         INTEGER NOT NULL CHECK (capacity > 0),
    ground_rules     TEXT NOT NULL,             -- a JSON array of strings
    agenda           TEXT NOT NULL DEFAULT '[]',-- a JSON array; the run-of-show fills it
    created_at       INTEGER NOT NULL,
    ended_at         INTEGER
);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,               -- a UUID, safe to log
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    token_hash  BLOB NOT NULL UNIQUE,           -- SHA-256 of the token; never the token
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX invitations_by_session ON invitations(session_id);

-- Devices of people a facilitator removed: they may not rejoin that session.
CREATE TABLE banned_devices (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device_hash BLOB NOT NULL,
    banned_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, device_hash)
);

-- Small facts about this deployment, such as which session is the demo.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
