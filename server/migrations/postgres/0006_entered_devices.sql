-- PostgreSQL's form of migrations/sqlite/0006: devices that have been in a room.
CREATE TABLE entered_devices (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device_hash BYTEA NOT NULL,
    entered_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, device_hash)
);
