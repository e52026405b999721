-- PostgreSQL's form of migrations/sqlite/0007: invitees and the outbox.

CREATE TABLE invitees (
    id            TEXT PRIMARY KEY,              -- a UUID, safe to log
    session_id    TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    series_id     TEXT REFERENCES series(id) ON DELETE CASCADE,
    invitation_id TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    email         TEXT NOT NULL,
    language      TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    rowid         BIGINT GENERATED ALWAYS AS IDENTITY,
    CHECK ((session_id IS NULL) <> (series_id IS NULL))
);
CREATE UNIQUE INDEX invitees_once ON invitees(COALESCE(session_id, series_id), lower(email));
CREATE INDEX invitees_by_series ON invitees(series_id) WHERE series_id IS NOT NULL;

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    dedup_key       TEXT NOT NULL UNIQUE,
    invitee_id      TEXT REFERENCES invitees(id) ON DELETE CASCADE,
    session_id      TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'moved', 'cancelled',
                                                  'request_received', 'time_proposed', 'request_cancelled',
                                                  'enrolment', 'support_matched')),
    queued_at       BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    sent_at         BIGINT,
    failed_at       BIGINT,
    failure         TEXT,                          -- the mail server's reply code and reason; never an address
    rowid           BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_invitee ON outbox(invitee_id);

ALTER TABLE sessions ADD COLUMN reminder_minutes TEXT NOT NULL DEFAULT '[1440,60]';
ALTER TABLE sessions ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
