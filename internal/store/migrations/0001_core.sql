-- Core schema: the organisation, people, accounts, roles, audit, jobs, mail.
-- {{ID}}, {{TIME}} and {{BLOB}} are rewritten per engine (see migrate.go).

CREATE TABLE organisation (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE units (
    id         {{ID}},
    type       TEXT NOT NULL,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    code       TEXT NOT NULL DEFAULT '',
    parent_id  BIGINT REFERENCES units(id),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_type ON units(type);

CREATE TABLE people (
    id           {{ID}},
    name         TEXT NOT NULL,
    email        TEXT UNIQUE,
    gender       TEXT NOT NULL DEFAULT '',
    bio          TEXT NOT NULL DEFAULT '',
    slug         TEXT NOT NULL UNIQUE,
    show_profile BOOLEAN NOT NULL DEFAULT FALSE,
    show_email   BOOLEAN NOT NULL DEFAULT FALSE,
    show_offices BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE accounts (
    person_id     BIGINT PRIMARY KEY REFERENCES people(id),
    password_hash TEXT NOT NULL,
    totp_secret   TEXT NOT NULL DEFAULT '',
    totp_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at {{TIME}}
);

CREATE TABLE memberships (
    id         {{ID}},
    person_id  BIGINT NOT NULL REFERENCES people(id),
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    number     TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL DEFAULT 'full',
    start_date DATE NOT NULL,
    lapse_date DATE,
    status     TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_unit ON memberships(unit_id);

CREATE TABLE public_offices (
    id         {{ID}},
    person_id  BIGINT NOT NULL REFERENCES people(id),
    office     TEXT NOT NULL,
    authority  TEXT NOT NULL DEFAULT '',
    unit_id    BIGINT REFERENCES units(id),
    start_date DATE,
    end_date   DATE
);
CREATE INDEX public_offices_person ON public_offices(person_id);
CREATE INDEX public_offices_unit ON public_offices(unit_id);

CREATE TABLE bodies (
    id          {{ID}},
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    parent_id   BIGINT REFERENCES bodies(id),
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sections (
    id            {{ID}},
    body_id       BIGINT NOT NULL REFERENCES bodies(id),
    name          TEXT NOT NULL,
    seats         INTEGER NOT NULL,
    who_may_stand TEXT NOT NULL DEFAULT '',
    who_elects    TEXT NOT NULL DEFAULT '',
    min_women     INTEGER NOT NULL DEFAULT 0,
    position      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sections_body ON sections(body_id);

CREATE TABLE seats (
    id         {{ID}},
    section_id BIGINT NOT NULL REFERENCES sections(id),
    label      TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX seats_section ON seats(section_id);

CREATE TABLE seat_terms (
    id         {{ID}},
    seat_id    BIGINT NOT NULL REFERENCES seats(id),
    person_id  BIGINT NOT NULL REFERENCES people(id),
    term_start DATE NOT NULL,
    term_end   DATE,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX seat_terms_seat ON seat_terms(seat_id);
CREATE INDEX seat_terms_person ON seat_terms(person_id);

CREATE TABLE meetings (
    id      {{ID}},
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    title   TEXT NOT NULL,
    held_on DATE NOT NULL,
    place   TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meetings_body ON meetings(body_id, held_on);

CREATE TABLE role_grants (
    id         {{ID}},
    person_id  BIGINT NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL,
    unit_id    BIGINT REFERENCES units(id),
    body_id    BIGINT REFERENCES bodies(id),
    title      TEXT NOT NULL DEFAULT '',
    granted_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants(person_id, role, COALESCE(unit_id, 0), COALESCE(body_id, 0));

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES people(id),
    created_at   {{TIME}} NOT NULL,
    expires_at   {{TIME}} NOT NULL,
    second_factor BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people(id),
    expires_at {{TIME}} NOT NULL,
    used_at    {{TIME}}
);

CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start {{TIME}} NOT NULL,
    hits         INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id          {{ID}},
    at          {{TIME}} NOT NULL,
    actor_id    BIGINT REFERENCES people(id),
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    old_value   TEXT NOT NULL DEFAULT '',
    new_value   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE jobs (
    id           {{ID}},
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    unique_key   TEXT UNIQUE,
    status       TEXT NOT NULL DEFAULT 'queued',
    run_at       {{TIME}} NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    last_error   TEXT NOT NULL DEFAULT '',
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_at    {{TIME}},
    created_at   {{TIME}} NOT NULL,
    finished_at  {{TIME}}
);
CREATE INDEX jobs_ready ON jobs(status, run_at);

CREATE TABLE outbox (
    id         {{ID}},
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body_text  TEXT NOT NULL,
    body_html  TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending',
    error      TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL,
    sent_at    {{TIME}}
);
