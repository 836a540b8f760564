-- Dashboards and the study browser at a million events, second step (issue #5, docs/benchmarks.md): what 0012's
-- per-study summaries still left to every page load.
--
-- The study browser's raw protocol filter searched every study's events (~8 s at 1M events).
-- DoseRecordRepository.StudyFilter now finds the few distinct protocol names first, one index seek per name, and then
-- the studies with an event of a matching name; both read this index.
CREATE INDEX ix_irradiation_events_protocol_study ON irradiation_events (protocol, study_instance_uid);

-- The study browser's sort by number of events within a modality, with its tie-break (day, time, UID): read in index
-- order, a page stops after its rows however many studies share a count.
CREATE INDEX ix_studies_modality_events ON studies (modality, event_count, study_date, study_time, study_instance_uid);
-- The Overview's studies and events per modality of the last 30 days read studies.event_count (0012) from an index.
CREATE INDEX ix_studies_day_modality_events ON studies (study_date, modality, event_count);

-- The CT page ranks protocols by their events in a year: counting ~500k index entries took ~0.4 s of CPU at 1M. Kept
-- per modality, protocol and day (events with a CTDIvol or a DLP; no protocol is '(no protocol)', as
-- DashboardRepository.NoProtocol labels it), adjusted at save time by DoseRecordRepository in the save's transaction.
CREATE TABLE protocol_day_events (
    modality     TEXT NOT NULL,
    protocol     TEXT NOT NULL,
    study_date   TEXT NOT NULL,
    dose_events  BIGINT NOT NULL,
    PRIMARY KEY (modality, protocol, study_date)
);
INSERT INTO protocol_day_events (modality, protocol, study_date, dose_events)
SELECT modality, COALESCE(protocol, '(no protocol)'), study_date, COUNT(*)
FROM irradiation_events
WHERE modality IS NOT NULL AND study_date IS NOT NULL AND (ctdivol_mgy IS NOT NULL OR dlp_mgy_cm IS NOT NULL)
GROUP BY modality, COALESCE(protocol, '(no protocol)'), study_date;

-- The Overview's daily median of the study dose: ranking ~200k studies of 90 days per page load took ~1 s of CPU at
-- 1M. Kept per day and modality over the studies with a headline dose (0012); recomputed for the study's day and
-- modality at save time. The median is the middle study, or the mean of the two middle ones, by dose.
CREATE TABLE daily_study_doses (
    study_date   TEXT NOT NULL,
    modality     TEXT NOT NULL,
    studies      BIGINT NOT NULL,
    median_dose  DOUBLE PRECISION,
    PRIMARY KEY (study_date, modality)
);
INSERT INTO daily_study_doses (study_date, modality, studies, median_dose)
SELECT day, modality, MAX(studies), AVG(dose) FROM (
    SELECT study_date AS day, modality, headline_dose AS dose,
        ROW_NUMBER() OVER (PARTITION BY study_date, modality ORDER BY headline_dose) AS position,
        COUNT(*) OVER (PARTITION BY study_date, modality) AS studies
    FROM studies WHERE study_date IS NOT NULL AND modality IS NOT NULL AND headline_dose IS NOT NULL
) ranked
WHERE position IN ((studies + 1) / 2, (studies + 2) / 2)
GROUP BY day, modality;

ANALYZE irradiation_events;
ANALYZE studies;
ANALYZE protocol_day_events;
ANALYZE daily_study_doses;
