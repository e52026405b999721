-- PostgreSQL's form of migrations/sqlite/0001: the same tables and meaning.
-- Times are integers: milliseconds since the Unix epoch, UTC. Every integer
-- is a BIGINT (SQLite's INTEGER), so the store reads the same types from
-- either database. `rowid` stands in for SQLite's implicit one where the
-- store orders by it (the order rows were added).

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,          -- a UUID
    title            TEXT NOT NULL,
    starts_at        BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes > 0),
    time_zone        TEXT NOT NULL,             -- an IANA name, for display
    capacity         BIGINT NOT NULL CHECK (capacity > 0),
    ground_rules     TEXT NOT NULL,             -- a JSON array of strings
    agenda           TEXT NOT NULL DEFAULT '[]',-- a JSON array; the run-of-show fills it
    created_at       BIGINT NOT NULL,
    ended_at         BIGINT
);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,               -- a UUID, safe to log
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    token_hash  BYTEA NOT NULL UNIQUE,          -- SHA-256 of the token; never the token
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    rowid       BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX invitations_by_session ON invitations(session_id);

-- Devices of people a facilitator removed: they may not rejoin that session.
CREATE TABLE banned_devices (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device_hash BYTEA NOT NULL,
    banned_at   BIGINT NOT NULL,
    PRIMARY KEY (session_id, device_hash)
);

-- Small facts about this deployment, such as which session is the demo.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
