-- PostgreSQL's form of migrations/sqlite/0010: nodes and room leases.

CREATE TABLE nodes (
    id           TEXT PRIMARY KEY,
    url          TEXT NOT NULL,
    media        TEXT NOT NULL,
    rooms        BIGINT NOT NULL,
    people       BIGINT NOT NULL,
    load         BIGINT NOT NULL,
    draining     BIGINT NOT NULL DEFAULT 0,
    heartbeat_at BIGINT NOT NULL
);

CREATE TABLE room_leases (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    node_id    TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX room_leases_by_node ON room_leases(node_id);
