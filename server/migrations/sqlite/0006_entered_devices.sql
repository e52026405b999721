-- Devices that have been in a session's room (a hash of the browser's
-- random device key, nothing more). Back after a server restart, or after
-- their place went, they go straight in: they accepted the ground rules and
-- were let in already. At most a few hundred per session (see hosting.rs).
CREATE TABLE entered_devices (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device_hash BLOB NOT NULL,
    entered_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, device_hash)
);
