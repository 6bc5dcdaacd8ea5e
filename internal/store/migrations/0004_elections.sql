-- Elections and secret online ballots (docs/elections.md).
--
-- Secrecy is the double envelope of a postal ballot: during voting a ballot
-- exists only as an envelope sealed to the election key, whose private half
-- the server never stores. Tables written while voting is open carry no
-- timestamp or sequence that could tie a person to the moment they voted,
-- and the anonymised ballots written at the close carry no voter, time or
-- sequence at all.

CREATE TABLE elections (
    id                     {{ID}},
    title                  TEXT NOT NULL,
    slug                   TEXT NOT NULL UNIQUE,
    description            TEXT NOT NULL DEFAULT '',
    body_id                BIGINT REFERENCES bodies(id),
    section_id             BIGINT REFERENCES sections(id),
    seats                  INTEGER NOT NULL,
    method                 TEXT NOT NULL,
    quotas                 TEXT NOT NULL DEFAULT '[]',
    allow_vote_change      BOOLEAN NOT NULL DEFAULT FALSE,
    turnout_by_unit        BOOLEAN NOT NULL DEFAULT FALSE,
    mailings_per_candidate INTEGER NOT NULL DEFAULT 0,
    electorate_rules       TEXT NOT NULL DEFAULT '[]',
    -- The seed of the count's lot, fixed in public before the count; blank
    -- means one is drawn at the count and recorded with the result.
    count_seed             TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL DEFAULT 'draft',
    nominations_open_at    {{TIME}},
    nominations_close_at   {{TIME}},
    freeze_at              {{TIME}},
    ballot_open_at         {{TIME}},
    ballot_close_at        {{TIME}},
    declare_at             {{TIME}},
    frozen_at              {{TIME}},
    opened_at              {{TIME}},
    closed_at              {{TIME}},
    -- Election key: the public half only. The private half exists as
    -- Shamir shares held by the trustees.
    public_key             {{BLOB}},
    key_threshold          INTEGER NOT NULL DEFAULT 0,
    keep_shares_for_demo   BOOLEAN NOT NULL DEFAULT FALSE,
    created_by             BIGINT REFERENCES people(id),
    created_at             {{TIME}} NOT NULL
);
CREATE INDEX elections_status ON elections(status, id);

CREATE TABLE election_candidates (
    id          {{ID}},
    election_id BIGINT NOT NULL REFERENCES elections(id),
    name        TEXT NOT NULL,
    person_id   BIGINT REFERENCES people(id),
    attributes  TEXT NOT NULL DEFAULT '{}',
    statement   TEXT NOT NULL DEFAULT '',
    photo       {{BLOB}},
    photo_type  TEXT NOT NULL DEFAULT '',
    withdrawn   BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX election_candidates_election ON election_candidates(election_id, position);
CREATE UNIQUE INDEX election_candidates_name ON election_candidates(election_id, name);

-- The voter roll: a snapshot of the electorate at the freeze date. The
-- voted mark is a flag with no time, set in the transaction that stores the
-- envelope. person_id and unit_id carry no foreign keys: the snapshot is
-- taken by one INSERT … SELECT from rows that exist, and on PostgreSQL the
-- two per-row checks would double the time of a 500,000-voter freeze.
CREATE TABLE election_roll (
    election_id   BIGINT NOT NULL REFERENCES elections(id),
    person_id     BIGINT NOT NULL,
    unit_id       BIGINT,
    added_by_hand BOOLEAN NOT NULL DEFAULT FALSE,
    voted         BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (election_id, person_id)
);
CREATE INDEX election_roll_unit ON election_roll(election_id, unit_id);

-- Trustees hold the shares of the election's private key. A share lives
-- here only: pending (from key set-up until the trustee collects it, and
-- never once the ballot is open), sealed with the trustee's passphrase
-- (until the count), submitted for the count (at most threshold-1 at a time;
-- the share that completes the threshold is used in memory only), or kept
-- for a demonstration election that closes by itself. All are erased at the
-- count. share_check is a SHA-256 commitment that names a wrong share.
CREATE TABLE election_trustees (
    election_id     BIGINT NOT NULL REFERENCES elections(id),
    person_id       BIGINT NOT NULL REFERENCES people(id),
    role            TEXT NOT NULL,
    share_index     INTEGER NOT NULL,
    share_check     TEXT NOT NULL,
    delivery        TEXT NOT NULL DEFAULT '',
    pending_share   {{BLOB}},
    sealed_share    {{BLOB}},
    submitted_share {{BLOB}},
    demo_share      {{BLOB}},
    collected       BOOLEAN NOT NULL DEFAULT FALSE,
    submitted       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (election_id, person_id)
);

-- One-time ballot links: only the hash of the token is kept; the row is
-- deleted when the link is used, so no time of use is recorded.
CREATE TABLE election_ballot_links (
    token_hash  TEXT PRIMARY KEY,
    election_id BIGINT NOT NULL REFERENCES elections(id),
    person_id   BIGINT NOT NULL REFERENCES people(id),
    expires_at  {{TIME}} NOT NULL
);
CREATE INDEX election_ballot_links_person ON election_ballot_links(election_id, person_id);

-- Sealed envelopes: one per voter, no timestamp, no sequence. Deleted for
-- good at the count.
CREATE TABLE election_envelopes (
    election_id BIGINT NOT NULL REFERENCES elections(id),
    person_id   BIGINT NOT NULL REFERENCES people(id),
    ciphertext  {{BLOB}} NOT NULL,
    PRIMARY KEY (election_id, person_id)
);

-- Anonymised ballots written at the count in a random order: the tracker
-- and the ranking as candidate names, nothing else. Listings order by the
-- tracker's bytes, themselves random, so no sequence is needed.
CREATE TABLE election_ballots (
    election_id BIGINT NOT NULL REFERENCES elections(id),
    tracker     {{BLOB}} NOT NULL,
    ranking     TEXT NOT NULL,
    PRIMARY KEY (election_id, tracker)
);

CREATE TABLE election_results (
    election_id BIGINT PRIMARY KEY REFERENCES elections(id),
    seed        TEXT NOT NULL,
    count_json  TEXT NOT NULL,
    count_text  TEXT NOT NULL,
    chart_svg   TEXT NOT NULL,
    merkle_root TEXT NOT NULL,
    ballots     INTEGER NOT NULL,
    rejected    INTEGER NOT NULL DEFAULT 0,
    counted_at  {{TIME}} NOT NULL,
    declared_at {{TIME}}
);

CREATE TABLE election_signoffs (
    id             {{ID}},
    election_id    BIGINT NOT NULL REFERENCES elections(id),
    person_id      BIGINT NOT NULL REFERENCES people(id),
    recount_agrees BOOLEAN NOT NULL,
    merkle_root    TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    signed_at      {{TIME}} NOT NULL
);
CREATE INDEX election_signoffs_election ON election_signoffs(election_id);

-- Candidate mailings: the same allowance for every candidate, each text
-- approved by the returning officer, sent by Quorum so that candidates never
-- see the roll. sent_through is the last person id reached, so a send that
-- stops half-way resumes without duplicates.
CREATE TABLE election_mailings (
    id            {{ID}},
    election_id   BIGINT NOT NULL REFERENCES elections(id),
    candidate_id  BIGINT NOT NULL REFERENCES election_candidates(id),
    subject       TEXT NOT NULL,
    body_text     TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'submitted',
    review_note   TEXT NOT NULL DEFAULT '',
    reviewed_by   BIGINT REFERENCES people(id),
    submitted_at  {{TIME}} NOT NULL,
    reviewed_at   {{TIME}},
    sent_through  BIGINT NOT NULL DEFAULT 0,
    recipients    INTEGER NOT NULL DEFAULT 0,
    finished_at   {{TIME}}
);
CREATE INDEX election_mailings_election ON election_mailings(election_id, status);
CREATE INDEX election_mailings_candidate ON election_mailings(candidate_id);
