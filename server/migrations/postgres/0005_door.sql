-- PostgreSQL's form of migrations/sqlite/0005: the door a facilitator set.
-- Flags are 0 or 1, as in SQLite.
ALTER TABLE sessions ADD COLUMN door_locked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN door_waiting_room BIGINT NOT NULL DEFAULT 1;
