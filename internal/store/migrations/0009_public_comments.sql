-- Comments from the public. Whether visitors who are not signed in may
-- comment on reports is the organisation's choice, made by an
-- administrator on the organisation's page; it is off until then.
ALTER TABLE organisation ADD COLUMN public_comments BOOLEAN NOT NULL DEFAULT FALSE;

-- A comment shows at once when its author is a signed-in person with an
-- approved comment before: found by the person, never by the e-mail
-- address a visitor types, which proves nothing (docs/reports.md).
CREATE INDEX comments_person ON comments(person_id, status);
DROP INDEX comments_email;
