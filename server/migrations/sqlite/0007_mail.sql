-- Email: people an organizer invites by address, and the mail they are sent.

-- A person invited by email to a session or to a whole series, with a link
-- of their own (`invitation_id`: a row of `invitations` for a session, of
-- `series_invitations` for a series). The address is kept only while there
-- is mail to send them: it goes with the session, the series or the
-- invitation (see the mailer's pruning).
CREATE TABLE invitees (
    id            TEXT PRIMARY KEY,              -- a UUID, safe to log
    session_id    TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    series_id     TEXT REFERENCES series(id) ON DELETE CASCADE,
    invitation_id TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    email         TEXT NOT NULL,
    language      TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    CHECK ((session_id IS NULL) <> (series_id IS NULL))
);
CREATE UNIQUE INDEX invitees_once ON invitees(COALESCE(session_id, series_id), email COLLATE NOCASE);
CREATE INDEX invitees_by_series ON invitees(series_id) WHERE series_id IS NOT NULL;

-- Mail to send, queued in the same transaction as the change that causes it,
-- and what became of it. No address and no text: a message is written when
-- it is sent, from the invitee and the session as they are then. `id` is the
-- message's Message-ID, the same on every attempt; `dedup_key` says what the
-- message is (its kind, whom, which meeting, which time), so planning a
-- reminder twice queues it once.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    dedup_key       TEXT NOT NULL UNIQUE,
    invitee_id      TEXT REFERENCES invitees(id) ON DELETE CASCADE, -- or a request's (0008)
    session_id      TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'moved', 'cancelled',
                                                  'request_received', 'time_proposed', 'request_cancelled',
                                                  'enrolment', 'support_matched')),
    queued_at       INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    failed_at       INTEGER,
    failure         TEXT                           -- the mail server's reply code and reason; never an address
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_invitee ON outbox(invitee_id);

-- When reminders go out, in minutes before the start (a JSON array). A
-- series' occurrences each have the series' own.
ALTER TABLE sessions ADD COLUMN reminder_minutes TEXT NOT NULL DEFAULT '[1440,60]';
-- The calendar's SEQUENCE: one more each time the time changes or the
-- session is cancelled, so a calendar app takes the newer version.
ALTER TABLE sessions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
