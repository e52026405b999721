-- One-on-one peer support: trained supporters, physicians' requests, and
-- the meeting agreed between them.

-- Accounts are organizers' or peer supporters': the same logins, a role.
ALTER TABLE organizers ADD COLUMN role TEXT NOT NULL DEFAULT 'organizer'
    CHECK (role IN ('organizer', 'supporter'));

-- The roster. A supporter is nominated by an organizer and enrols through a
-- one-time link (only its hash is kept), which makes their account.
CREATE TABLE supporters (
    id               TEXT PRIMARY KEY,
    account_id       TEXT UNIQUE REFERENCES organizers(id),
    nominated_by     TEXT REFERENCES organizers(id),
    name             TEXT NOT NULL,
    email            TEXT NOT NULL COLLATE NOCASE,
    practice_areas   TEXT NOT NULL,            -- a JSON array of strings
    practice_status  TEXT NOT NULL CHECK (practice_status IN ('practising', 'resident', 'retired')),
    years_band       TEXT NOT NULL CHECK (years_band IN ('0-5', '6-15', '16-30', '30+')),
    languages        TEXT NOT NULL,            -- a JSON array: "en", "fr"
    trained_on       TEXT NOT NULL,            -- YYYY-MM-DD, peer-support training completed
    time_zone        TEXT NOT NULL DEFAULT 'America/Toronto',
    availability     TEXT NOT NULL DEFAULT '[]', -- a JSON array of weekly windows
    paused           INTEGER NOT NULL DEFAULT 0,
    waiting_room     INTEGER NOT NULL DEFAULT 0, -- their meetings start with a waiting room (they let the physician in)
    enrol_token_hash BLOB UNIQUE,
    enrol_generation INTEGER NOT NULL DEFAULT 0, -- the link is derived from the key, the id and this
    enrolled_at      INTEGER,
    deactivated_at   INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX supporters_by_email ON supporters(email);

-- A physician's request. What identifies them (first name or pseudonym, the
-- address) is emptied `retention` days after the request closes; the rest
-- (state, language, preferences, dates) stays for the program's counts.
CREATE TABLE support_requests (
    id               TEXT PRIMARY KEY,
    token_hash       BLOB NOT NULL UNIQUE,      -- the physician's private link
    first_name       TEXT,                      -- NULL once forgotten
    email            TEXT,                      -- NULL if none, or forgotten
    language         TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    practice_area    TEXT,
    area_preference  TEXT NOT NULL CHECK (area_preference IN ('same', 'different', 'any')),
    supporter_status TEXT NOT NULL CHECK (supporter_status IN ('any', 'practising', 'resident', 'retired')),
    times            TEXT,                      -- when suits them; NULL once forgotten
    time_zone        TEXT,                      -- theirs (the browser's), to read `times` by
    state            TEXT NOT NULL CHECK (state IN ('requested', 'matched', 'proposed', 'agreed', 'met', 'closed', 'cancelled')),
    supporter_id     TEXT REFERENCES supporters(id),
    matched_by       TEXT REFERENCES organizers(id),
    proposed_at      INTEGER,                   -- the time the supporter proposes
    minutes          INTEGER,
    session_id       TEXT REFERENCES sessions(id),   -- the one-on-one meeting, once a time is agreed
    physician_invitation TEXT,                  -- their links into it (rows of `invitations`)
    supporter_invitation TEXT,
    cancelled_by     TEXT CHECK (cancelled_by IN ('physician', 'supporter', 'organizer')),
    cancel_reason    TEXT,
    follow_up        INTEGER,                   -- the supporter agreed a follow-up
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER,                   -- met and closed, or cancelled
    forgotten_at     INTEGER
);
CREATE INDEX support_requests_by_state ON support_requests(state, created_at);
CREATE INDEX support_requests_by_supporter ON support_requests(supporter_id, created_at);

-- A one-on-one session is a session with this kind: two people, no waiting
-- room, no console.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'group' CHECK (kind IN ('group', 'one_on_one'));

-- Mail about a request for a peer (received, a time proposed, cancelled)
-- goes to the physician's address on the request: a message is an
-- invitee's, a request's...
ALTER TABLE outbox ADD COLUMN request_id TEXT REFERENCES support_requests(id) ON DELETE CASCADE;
-- ... or a supporter's (their enrolment link, a physician matched with them).
ALTER TABLE outbox ADD COLUMN supporter_id TEXT REFERENCES supporters(id) ON DELETE CASCADE;
