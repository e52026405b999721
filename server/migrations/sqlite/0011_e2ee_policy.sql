-- Whether a session's media must be end-to-end encrypted ('required'), may
-- be if a host turns it on ('offered'), or is not ('off'): see
-- protocol::e2ee::E2eePolicy. The rooms of sessions scheduled before keep
-- what they had.
ALTER TABLE sessions ADD COLUMN e2ee TEXT NOT NULL DEFAULT 'off'
    CHECK (e2ee IN ('off', 'offered', 'required'));
