-- Many nodes on one database (PostgreSQL; with SQLite there is one node and
-- these stay empty): each node says it is alive, and each live room is
-- placed on exactly one node by a lease that node renews while the room
-- lives. See server/src/store/cluster.rs.

CREATE TABLE nodes (
    id           TEXT PRIMARY KEY,          -- --node-id, stable across restarts
    url          TEXT NOT NULL,             -- where clients reach it (http[s]://)
    media        TEXT NOT NULL,             -- where its media is: address and port(s)
    rooms        INTEGER NOT NULL,
    people       INTEGER NOT NULL,
    load         INTEGER NOT NULL,          -- 1-minute load average, in hundredths
    draining     INTEGER NOT NULL DEFAULT 0,-- 1: takes no new rooms
    heartbeat_at INTEGER NOT NULL
);

CREATE TABLE room_leases (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    node_id    TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX room_leases_by_node ON room_leases(node_id);
