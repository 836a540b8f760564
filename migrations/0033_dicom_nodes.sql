-- Remote DICOM nodes an administrator keeps in the browser (issue #17): PACS that DoseWatch queries and retrieves
-- from, and modalities allowed to send to it (the Store SCP's calling-AE allow-list, read per association, so an edit
-- applies without a restart). Configuration-file entries (Dicom:KnownDevices, DoseWatch:Backfill:Nightly:Nodes) are
-- still honoured beside these rows.
CREATE TABLE dicom_nodes (
    id              {{identity}},
    ae_title        TEXT NOT NULL,
    host            TEXT NOT NULL DEFAULT '',   -- empty: a sender whose address is not checked
    port            INTEGER NOT NULL DEFAULT 0, -- 0: not reachable by us (a sender only)
    tls             INTEGER NOT NULL DEFAULT 0,
    description     TEXT NOT NULL DEFAULT '',
    sends_to_us     INTEGER NOT NULL DEFAULT 0, -- on the calling-AE allow-list
    query_retrieve  INTEGER NOT NULL DEFAULT 0, -- a PACS DoseWatch back-fills from
    nightly         INTEGER NOT NULL DEFAULT 0, -- included in the nightly catch-up
    retrieve_method TEXT NOT NULL DEFAULT 'move' CHECK (retrieve_method IN ('move', 'get')),
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX ux_dicom_nodes_endpoint ON dicom_nodes (ae_title, host, port);

-- How a back-fill retrieves: C-MOVE to DoseWatch's Store SCP, or C-GET on the query association for a PACS that
-- cannot move to a new AE; and whether it calls the PACS over TLS.
ALTER TABLE backfills ADD COLUMN retrieve_method TEXT NOT NULL DEFAULT 'move' CHECK (retrieve_method IN ('move', 'get'));
ALTER TABLE backfills ADD COLUMN tls INTEGER NOT NULL DEFAULT 0;

-- The association log page filters by time, calling AE and outcome.
CREATE INDEX ix_dicom_associations_outcome ON dicom_associations (outcome, started_at);
