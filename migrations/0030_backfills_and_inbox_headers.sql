-- Back-fills by Query/Retrieve (issue #17): one row per request, one row per study it found. A rerun of a back-fill
-- reads back what it already did (studies with an outcome other than pending/failed are done).
CREATE TABLE backfills (
    id {{identity}},
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    called_ae TEXT NOT NULL,
    calling_ae TEXT NOT NULL,
    move_destination TEXT NOT NULL,
    date_from TEXT NOT NULL,            -- ISO yyyy-mm-dd, inclusive
    date_to TEXT NOT NULL,
    modalities TEXT NOT NULL DEFAULT '', -- backslash-separated, as in DICOM; empty = every modality
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    detail TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE backfill_studies (
    backfill_id BIGINT NOT NULL REFERENCES backfills (id),
    study_instance_uid TEXT NOT NULL,
    study_date TEXT,
    accession_number TEXT,
    modalities TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'retrieved', 'nothing_to_retrieve', 'already_stored', 'failed')),
    requested INTEGER NOT NULL DEFAULT 0,
    retrieved INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    detail TEXT,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (backfill_id, study_instance_uid)
);

-- What a PACS administrator recognises an inbox row by (issue #17), read from the header when the instance arrives;
-- empty for rows received before this version.
ALTER TABLE instances ADD COLUMN modality TEXT;
ALTER TABLE instances ADD COLUMN device TEXT;
ALTER TABLE instances ADD COLUMN accession_number TEXT;
ALTER TABLE instances ADD COLUMN study_date TEXT;  -- ISO yyyy-mm-dd
