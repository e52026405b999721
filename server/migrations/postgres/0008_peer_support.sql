-- PostgreSQL's form of migrations/sqlite/0008: one-on-one peer support.

ALTER TABLE organizers ADD COLUMN role TEXT NOT NULL DEFAULT 'organizer'
    CHECK (role IN ('organizer', 'supporter'));

CREATE TABLE supporters (
    id               TEXT PRIMARY KEY,
    account_id       TEXT UNIQUE REFERENCES organizers(id),
    nominated_by     TEXT REFERENCES organizers(id),
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    practice_areas   TEXT NOT NULL,            -- a JSON array of strings
    practice_status  TEXT NOT NULL CHECK (practice_status IN ('practising', 'resident', 'retired')),
    years_band       TEXT NOT NULL CHECK (years_band IN ('0-5', '6-15', '16-30', '30+')),
    languages        TEXT NOT NULL,            -- a JSON array: "en", "fr"
    trained_on       TEXT NOT NULL,            -- YYYY-MM-DD
    time_zone        TEXT NOT NULL DEFAULT 'America/Toronto',
    availability     TEXT NOT NULL DEFAULT '[]',
    paused           BIGINT NOT NULL DEFAULT 0,
    waiting_room     BIGINT NOT NULL DEFAULT 0,
    enrol_token_hash BYTEA UNIQUE,
    enrol_generation BIGINT NOT NULL DEFAULT 0,
    enrolled_at      BIGINT,
    deactivated_at   BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX supporters_by_email ON supporters(lower(email));

CREATE TABLE support_requests (
    id               TEXT PRIMARY KEY,
    token_hash       BYTEA NOT NULL UNIQUE,     -- the physician's private link
    first_name       TEXT,                      -- NULL once forgotten
    email            TEXT,                      -- NULL if none, or forgotten
    language         TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    practice_area    TEXT,
    area_preference  TEXT NOT NULL CHECK (area_preference IN ('same', 'different', 'any')),
    supporter_status TEXT NOT NULL CHECK (supporter_status IN ('any', 'practising', 'resident', 'retired')),
    times            TEXT,
    time_zone        TEXT,
    state            TEXT NOT NULL CHECK (state IN ('requested', 'matched', 'proposed', 'agreed', 'met', 'closed', 'cancelled')),
    supporter_id     TEXT REFERENCES supporters(id),
    matched_by       TEXT REFERENCES organizers(id),
    proposed_at      BIGINT,
    minutes          BIGINT,
    session_id       TEXT REFERENCES sessions(id),
    physician_invitation TEXT,
    supporter_invitation TEXT,
    cancelled_by     TEXT CHECK (cancelled_by IN ('physician', 'supporter', 'organizer')),
    cancel_reason    TEXT,
    follow_up        BIGINT,                    -- 0 or 1: the supporter agreed a follow-up
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    closed_at        BIGINT,
    forgotten_at     BIGINT
);
CREATE INDEX support_requests_by_state ON support_requests(state, created_at);
CREATE INDEX support_requests_by_supporter ON support_requests(supporter_id, created_at);

ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'group' CHECK (kind IN ('group', 'one_on_one'));

ALTER TABLE outbox ADD COLUMN request_id TEXT REFERENCES support_requests(id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN supporter_id TEXT REFERENCES supporters(id) ON DELETE CASCADE;
