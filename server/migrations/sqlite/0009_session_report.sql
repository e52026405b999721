-- The facilitator's report (see server/src/room/report.rs): times, counts
-- and first names, never anything anyone said. Kept and deleted with the
-- session, like its summary.

-- What happened when: a part of the agenda started, a round ended, a pulse
-- check closed (its distribution only where it may be shown), breakouts
-- opened or closed. `entry` is JSON (`room::ReportEntry`). Written by hosts'
-- actions only, which the connection's rate limit bounds.
CREATE TABLE report_entries (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    entry      TEXT NOT NULL
);
CREATE INDEX report_entries_by_session ON report_entries(session_id, at);

-- Counts added to as the room writes them (once a minute at most).
CREATE TABLE report_counts (
    session_id     TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    hands_raised   INTEGER NOT NULL DEFAULT 0,
    hands_answered INTEGER NOT NULL DEFAULT 0
);

-- Talk time per speaker: `speaker` is the first 8 bytes of their device's
-- hash in hex (the same person reconnecting is the same speaker), `name`
-- their first name.
CREATE TABLE report_talk (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    speaker    TEXT NOT NULL,
    name       TEXT NOT NULL,
    ms         INTEGER NOT NULL,
    PRIMARY KEY (session_id, speaker)
);
