-- Issue #18: every save of a study (DoseRecordRepository.SaveAsync, the one writer of a study's dose rows) counts up its
-- revision, so that a study's history read into memory (DeviceHistoryCache: a device's latest studies with their
-- events, read for every analysis) is read again only when one of its studies changed. Existing studies start at 0.
ALTER TABLE studies ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
