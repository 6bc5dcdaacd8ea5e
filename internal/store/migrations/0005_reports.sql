-- Meetings and report-back: what happens at meetings, representatives'
-- reports of them, comments, e-mail subscriptions and newsletters, events,
-- the search documents, and old addresses of an imported blog.

-- Meetings (0001 holds the date, place and a public summary).
ALTER TABLE meetings ADD COLUMN start_time TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN online BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE meetings ADD COLUMN join_url TEXT NOT NULL DEFAULT '';
-- Minutes are for the members of the body only.
ALTER TABLE meetings ADD COLUMN minutes TEXT NOT NULL DEFAULT '';

CREATE TABLE meeting_agenda_items (
    id         {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_agenda_items_meeting ON meeting_agenda_items(meeting_id, position);

CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id  BIGINT NOT NULL REFERENCES people(id),
    status     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE meeting_papers (
    id           {{ID}},
    meeting_id   BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      {{BLOB}} NOT NULL,
    uploaded_by  BIGINT REFERENCES people(id),
    uploaded_at  {{TIME}} NOT NULL
);
CREATE INDEX meeting_papers_meeting ON meeting_papers(meeting_id);

-- Images: report covers (resized on upload) and imported media.
CREATE TABLE images (
    id           {{ID}},
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      {{BLOB}} NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    uploaded_by  BIGINT REFERENCES people(id),
    created_at   {{TIME}} NOT NULL
);

-- Tags and categories (kind 'tag' or 'category'; categories may nest).
CREATE TABLE tags (
    id          {{ID}},
    kind        TEXT NOT NULL DEFAULT 'tag',
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_id   BIGINT REFERENCES tags(id),
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, slug)
);

-- A report: an introduction and ordered sections, kept as written
-- (Markdown, or HTML for imported posts) and as sanitised HTML ready to
-- serve, with its table of contents and plain text for search and e-mail.
CREATE TABLE reports (
    id             {{ID}},
    slug           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL DEFAULT 'report',
    body_id        BIGINT REFERENCES bodies(id),
    meeting_id     BIGINT REFERENCES meetings(id),
    author_id      BIGINT NOT NULL REFERENCES people(id),
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    format         TEXT NOT NULL DEFAULT 'markdown',
    intro          TEXT NOT NULL DEFAULT '',
    html           TEXT NOT NULL DEFAULT '',
    toc            TEXT NOT NULL DEFAULT '[]',
    plain_text     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'draft',
    publish_at     {{TIME}},
    cover_image_id BIGINT REFERENCES images(id),
    comments_open  BOOLEAN NOT NULL DEFAULT TRUE,
    send_newsletter BOOLEAN NOT NULL DEFAULT TRUE,
    source_guid    TEXT UNIQUE,
    source_id      TEXT NOT NULL DEFAULT '',
    created_at     {{TIME}} NOT NULL,
    updated_at     {{TIME}} NOT NULL
);
CREATE INDEX reports_status ON reports(status, publish_at);
CREATE INDEX reports_author ON reports(author_id, status, publish_at);
CREATE INDEX reports_body ON reports(body_id, status, publish_at);
CREATE INDEX reports_meeting ON reports(meeting_id);

CREATE TABLE report_sections (
    id        {{ID}},
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    heading   TEXT NOT NULL,
    body      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX report_sections_report ON report_sections(report_id, position);

CREATE TABLE report_tags (
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    tag_id    BIGINT NOT NULL REFERENCES tags(id),
    PRIMARY KEY (report_id, tag_id)
);
CREATE INDEX report_tags_tag ON report_tags(tag_id);

-- Old addresses (an imported blog's permalinks) and where they now are.
CREATE TABLE redirects (
    path       TEXT PRIMARY KEY,
    target     TEXT NOT NULL,
    created_at {{TIME}} NOT NULL
);

-- Comments. status: pending (held for moderation), approved, hidden,
-- spam. source_id is the comment's id in an imported blog.
CREATE TABLE comments (
    id             {{ID}},
    report_id      BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    parent_id      BIGINT REFERENCES comments(id) ON DELETE CASCADE,
    person_id      BIGINT REFERENCES people(id),
    author_name    TEXT NOT NULL,
    author_email   TEXT NOT NULL DEFAULT '',
    author_url     TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL,
    status         TEXT NOT NULL,
    notify_replies BOOLEAN NOT NULL DEFAULT FALSE,
    flags          INTEGER NOT NULL DEFAULT 0,
    source_id      TEXT NOT NULL DEFAULT '',
    created_at     {{TIME}} NOT NULL,
    moderated_by   BIGINT REFERENCES people(id),
    moderated_at   {{TIME}}
);
CREATE INDEX comments_report ON comments(report_id, status, created_at);
CREATE INDEX comments_status ON comments(status, id);
CREATE INDEX comments_email ON comments(author_email, status);
CREATE UNIQUE INDEX comments_source ON comments(report_id, source_id) WHERE source_id <> '';

CREATE TABLE comment_flags (
    id           {{ID}},
    comment_id   BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    reporter_key TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    created_at   {{TIME}} NOT NULL,
    UNIQUE (comment_id, reporter_key)
);

-- E-mail subscribers. status: pending (waiting for the confirmation
-- link), confirmed, unsubscribed. consent records how consent was given.
-- token is the secret of the subscriber's links (confirm, preferences,
-- one-click unsubscribe).
CREATE TABLE subscribers (
    id              {{ID}},
    email           TEXT NOT NULL UNIQUE,
    token           TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending',
    consent         TEXT NOT NULL DEFAULT '',
    created_at      {{TIME}} NOT NULL,
    confirmed_at    {{TIME}},
    unsubscribed_at {{TIME}}
);
CREATE INDEX subscribers_status ON subscribers(status);

-- What a subscriber follows: the whole site (scope 'site', target 0), a
-- body or a representative (a person).
CREATE TABLE subscriptions (
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    scope         TEXT NOT NULL,
    target_id     BIGINT NOT NULL DEFAULT 0,
    created_at    {{TIME}} NOT NULL,
    PRIMARY KEY (subscriber_id, scope, target_id)
);
CREATE INDEX subscriptions_target ON subscriptions(scope, target_id);

-- Addresses never mailed again: hard bounces, complaints, or by hand.
CREATE TABLE suppressions (
    email      TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL
);

-- One newsletter per published report, with one delivery row per
-- recipient: the status each one reached.
CREATE TABLE newsletter_sends (
    id         {{ID}},
    report_id  BIGINT NOT NULL UNIQUE REFERENCES reports(id) ON DELETE CASCADE,
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL
);

CREATE TABLE newsletter_deliveries (
    id            {{ID}},
    send_id       BIGINT NOT NULL REFERENCES newsletter_sends(id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    sent_at       {{TIME}},
    UNIQUE (send_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_status ON newsletter_deliveries(send_id, status, id);

-- Events: hustings, training, action days, conferences.
CREATE TABLE events (
    id          {{ID}},
    slug        TEXT NOT NULL UNIQUE,
    body_id     BIGINT REFERENCES bodies(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    online_url  TEXT NOT NULL DEFAULT '',
    starts_at   {{TIME}} NOT NULL,
    ends_at     {{TIME}} NOT NULL,
    capacity    INTEGER NOT NULL DEFAULT 0,
    cancelled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  BIGINT REFERENCES people(id),
    created_at  {{TIME}} NOT NULL,
    updated_at  {{TIME}} NOT NULL
);
CREATE INDEX events_starts ON events(starts_at);

-- status: booked, waiting (the event was full), cancelled.
CREATE TABLE event_signups (
    id          {{ID}},
    event_id    BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    person_id   BIGINT REFERENCES people(id),
    status      TEXT NOT NULL,
    token       TEXT NOT NULL UNIQUE,
    created_at  {{TIME}} NOT NULL,
    reminded_at {{TIME}},
    UNIQUE (event_id, email)
);
CREATE INDEX event_signups_event ON event_signups(event_id, status, id);

-- What the site search finds: published reports and meetings, one row
-- each. The full-text index over it differs between the engines (FTS5 on
-- SQLite, a tsvector expression index on PostgreSQL); the store creates
-- it at start-up, see search.go.
CREATE TABLE search_documents (
    id           {{ID}},
    kind         TEXT NOT NULL,
    ref_id       BIGINT NOT NULL,
    body_id      BIGINT,
    person_id    BIGINT,
    year         INTEGER NOT NULL,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    url          TEXT NOT NULL,
    published_at {{TIME}} NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_documents_filters ON search_documents(body_id, person_id, year);
