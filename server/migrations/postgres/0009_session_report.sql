-- PostgreSQL's form of migrations/sqlite/0009: the facilitator's report.

CREATE TABLE report_entries (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    entry      TEXT NOT NULL,
    rowid      BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX report_entries_by_session ON report_entries(session_id, at);

CREATE TABLE report_counts (
    session_id     TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    hands_raised   BIGINT NOT NULL DEFAULT 0,
    hands_answered BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE report_talk (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    speaker    TEXT NOT NULL,
    name       TEXT NOT NULL,
    ms         BIGINT NOT NULL,
    PRIMARY KEY (session_id, speaker)
);
