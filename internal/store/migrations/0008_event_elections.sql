-- Hustings belong to an election: the election's page lists them and each
-- hustings links back. The link is optional (most events have none), and
-- an election that goes leaves its hustings standing, unlinked. SQLite
-- adds a column with REFERENCES only when its default is NULL, as here.
ALTER TABLE events ADD COLUMN election_id BIGINT REFERENCES elections(id) ON DELETE SET NULL;
CREATE INDEX events_election ON events(election_id, starts_at);
