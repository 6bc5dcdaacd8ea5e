-- Nominations (docs/nominations.md): periods in which nominating bodies and
-- individual nominators put candidates forward for a position or for a
-- section of a body, threshold rules kept as data with effective dates,
-- candidates' consent, and the close that hands candidates to a ballot.

-- Threshold rules: one row per version of a named rule; the version in
-- force on a period's opening day applies to it. The rule itself is JSON
-- (nomination.Rule) so that AND / OR trees need no schema of their own.
CREATE TABLE nomination_rules (
    id             {{ID}},
    name           TEXT NOT NULL,
    effective_from DATE NOT NULL,
    rule           TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    created_at     {{TIME}} NOT NULL
);
CREATE UNIQUE INDEX nomination_rules_version ON nomination_rules(name, effective_from);

CREATE TABLE nomination_periods (
    id               {{ID}},
    title            TEXT NOT NULL,
    slug             TEXT NOT NULL UNIQUE,
    description      TEXT NOT NULL DEFAULT '',
    election_id      BIGINT REFERENCES elections(id),
    section_id       BIGINT REFERENCES sections(id),
    -- Who may nominate: units of these types (JSON list) through their
    -- officers, and people holding this public office for themselves.
    unit_types       TEXT NOT NULL DEFAULT '[]',
    nominator_office TEXT NOT NULL DEFAULT '',
    -- The places each nominator may fill (JSON list of nomination.Slot),
    -- e.g. one woman and one man.
    slots            TEXT NOT NULL DEFAULT '[]',
    meeting_required BOOLEAN NOT NULL DEFAULT FALSE,
    rule_name        TEXT NOT NULL DEFAULT '',
    opens_at         {{TIME}} NOT NULL,
    closes_at        {{TIME}} NOT NULL,
    time_zone        TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open',
    closed_at        {{TIME}},
    closed_by        BIGINT REFERENCES people(id),
    handed_over      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by       BIGINT REFERENCES people(id),
    created_at       {{TIME}} NOT NULL
);
CREATE INDEX nomination_periods_status ON nomination_periods(status, closes_at);

-- People who declared they intend to stand. outcome and reason are written
-- at the close.
CREATE TABLE nomination_candidates (
    id                  {{ID}},
    period_id           BIGINT NOT NULL REFERENCES nomination_periods(id),
    person_id           BIGINT NOT NULL REFERENCES people(id),
    name                TEXT NOT NULL,
    gender              TEXT NOT NULL DEFAULT '',
    statement           TEXT NOT NULL DEFAULT '',
    standing            BOOLEAN NOT NULL DEFAULT TRUE,
    declared_at         {{TIME}} NOT NULL,
    outcome             TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL DEFAULT '',
    ballot_candidate_id BIGINT REFERENCES election_candidates(id)
);
CREATE UNIQUE INDEX nomination_candidates_person ON nomination_candidates(period_id, person_id);

-- Nominations. nominator is "unit:ID" or "person:ID". A nominator holds at
-- most one live nomination per place and per candidate: the partial unique
-- indexes are what stop two officers of one body acting at once from
-- producing two nominations.
CREATE TABLE nominations (
    id              {{ID}},
    period_id       BIGINT NOT NULL REFERENCES nomination_periods(id),
    nominator       TEXT NOT NULL,
    unit_id         BIGINT REFERENCES units(id),
    person_id       BIGINT REFERENCES people(id),
    candidate_id    BIGINT NOT NULL REFERENCES nomination_candidates(id),
    slot            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active',
    consent         TEXT NOT NULL DEFAULT 'pending',
    meeting_date    DATE,
    meeting_present INTEGER NOT NULL DEFAULT 0,
    meeting_votes   INTEGER NOT NULL DEFAULT 0,
    submitted_by    BIGINT NOT NULL REFERENCES people(id),
    submitted_at    {{TIME}} NOT NULL,
    ended_at        {{TIME}}
);
CREATE UNIQUE INDEX nominations_live_slot ON nominations(period_id, nominator, slot) WHERE status = 'active';
CREATE UNIQUE INDEX nominations_live_candidate ON nominations(period_id, nominator, candidate_id) WHERE status = 'active';
CREATE INDEX nominations_candidate ON nominations(candidate_id, status);
