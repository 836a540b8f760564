-- Issue #15: unknown protocol names are work for the review queue, not an alert per study. The stored default rule keeps
-- its check (unknown-protocol), which now raises at most one digest a week; its name says so unless a physicist renamed
-- it, and its seed_key follows the default's new name so that the default is not stored a second time.
UPDATE rules SET name = 'New protocol names (weekly digest)'
WHERE seed_key = 'Unknown protocol name' AND name = 'Unknown protocol name';
UPDATE rules SET seed_key = 'New protocol names (weekly digest)' WHERE seed_key = 'Unknown protocol name';

-- One row per ISO week (UTC, 'YYYY-Www') in which a digest of new protocol names was raised: the analysis that inserts
-- the week's row raises it, concurrent analyses of the same week find the row there (ON CONFLICT DO NOTHING) and do not.
CREATE TABLE protocol_name_digests (
    week        TEXT PRIMARY KEY,
    claimed_at  TIMESTAMPTZ NOT NULL
);
