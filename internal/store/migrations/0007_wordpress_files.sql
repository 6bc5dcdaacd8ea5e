-- Documents that reports link to: today those of an imported blog (PDF
-- papers, office documents, spreadsheets, plain text), checked like
-- meeting papers and served publicly at /files/{id}/{filename}, as the
-- blog served them. Meeting papers cannot hold them: a paper belongs to a
-- meeting and only the body's members may read it. source is the file's
-- path in the blog's uploads folder, so that a second import finds it.
CREATE TABLE report_files (
    id           {{ID}},
    filename     TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      {{BLOB}} NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    uploaded_by  BIGINT REFERENCES people(id),
    created_at   {{TIME}} NOT NULL
);
CREATE INDEX report_files_source ON report_files(source);
