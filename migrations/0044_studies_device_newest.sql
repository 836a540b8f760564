-- Issue #18: every analysis reads the UIDs and revisions of its device's latest studies of the modality
-- (ProtocolRepository.LatestStudyRevisionsAsync: WHERE device_key, modality ORDER BY study_date DESC, study_time DESC,
-- study_instance_uid LIMIT 501). Without this index SQLite walked every study of the modality by date, looking each
-- one up for its device: 1.5 ms an analysis at 5,000 studies, growing with the table. With it the walk is the device's
-- own latest entries, in the query's order (study_instance_uid DESC, so that a backward scan gives it ascending), and
-- the revision is read from the index.
CREATE INDEX ix_studies_device_modality_newest ON studies (device_key, modality, study_date, study_time, study_instance_uid DESC, revision);
