-- PostgreSQL's form of migrations/sqlite/0011: a session's end-to-end
-- encryption policy.
ALTER TABLE sessions ADD COLUMN e2ee TEXT NOT NULL DEFAULT 'off'
    CHECK (e2ee IN ('off', 'offered', 'required'));
