-- The door a facilitator set (locked, waiting room on or off) outlives a
-- restart: people who come back after an upgrade find it as they left it,
-- whichever of them reconnects first.
ALTER TABLE sessions ADD COLUMN door_locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN door_waiting_room INTEGER NOT NULL DEFAULT 1;
