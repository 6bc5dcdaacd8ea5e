-- Outbound mail needs more than 0001 kept: the sender, extra headers such as
-- List-Unsubscribe, a Message-ID fixed when the message is queued (so that a
-- retried delivery is recognised as the same message) and a count of tries.

ALTER TABLE outbox ADD COLUMN from_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';
ALTER TABLE outbox ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

-- The admin pages list newest first, optionally by status.
CREATE INDEX outbox_status ON outbox(status, id);
CREATE INDEX jobs_status ON jobs(status, id);
