-- A members file uploaded on the admin page waits here between its dry run
-- and the administrator's go-ahead, so any web node can apply it. Files are
-- deleted when applied and pruned after an hour.
CREATE TABLE member_uploads (
    id          {{ID}},
    token_hash  TEXT NOT NULL UNIQUE,
    person_id   BIGINT NOT NULL REFERENCES people(id),
    filename    TEXT NOT NULL,
    content     {{BLOB}} NOT NULL,
    created_at  {{TIME}} NOT NULL
);
