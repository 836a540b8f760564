"""Study browser (issue #5): the SQL that DoseRecordRepository.StudyFilter/StudyOrder generate for typical filters, timed
and EXPLAIN QUERY PLAN'd on a SQLite database made by `dosewatch demo --into sqlite:PATH --events N`. A benchmark, not a
test; the yardstick row is a full scan of irradiation_events on the same file in the same run. The SQL is that of the
stored study summaries (migrations 0012/0013, 0017, 0018) and of a date range repeated on the events for the protocol substring;
docs/benchmarks.md keeps the earlier numbers.
Usage: /usr/bin/python3 scripts/bench_browser_queries.py PATH.db"""
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n_st = db.execute("select count(*) from studies").fetchone()[0]
n_ev = db.execute("select count(*) from irradiation_events").fetchone()[0]
print(f"studies {n_st}, events {n_ev}, sqlite {sqlite3.sqlite_version}")
# The stored headline dose (migration 0012), as DoseRecordRepository.HeadlineDoseSql reads it since then.
dose_ct = "s.headline_dose"
# DoseRecordRepository.MatchingProtocolNamesSql: the distinct protocol names, one index seek each (migration 0013).
protocol_names = """WITH RECURSIVE protocol_names (name) AS (
    SELECT MIN(protocol) FROM irradiation_events
    UNION ALL
    SELECT (SELECT MIN(n.protocol) FROM irradiation_events n WHERE n.protocol > protocol_names.name)
    FROM protocol_names WHERE protocol_names.name IS NOT NULL
) SELECT name FROM protocol_names WHERE LOWER(name) LIKE ? ESCAPE '\\'"""
order_date = "ORDER BY s.study_date DESC, s.study_time DESC, s.study_instance_uid DESC"
cases = [
 ("yardstick: full scan of irradiation_events", "SELECT COUNT(*) FROM irradiation_events WHERE kvp > 0", ()),
 ("all: count", "SELECT COUNT(*) FROM studies s", ()),
 ("all: page 1", f"SELECT s.* FROM studies s {order_date} LIMIT 50 OFFSET 0", ()),
 ("all: page 200", f"SELECT s.* FROM studies s {order_date} LIMIT 50 OFFSET 9950", ()),
 ("CT: count", "SELECT COUNT(*) FROM studies s WHERE s.modality = ?", ("CT",)),
 ("CT: page 1", f"SELECT s.* FROM studies s WHERE s.modality = ? {order_date} LIMIT 50 OFFSET 0", ("CT",)),
 ("CT + 90 days: count", "SELECT COUNT(*) FROM studies s WHERE s.modality = ? AND s.study_date >= ? AND s.study_date <= ?", ("CT", "2026-08-27", "2026-11-25")),
 ("CT, sex F, age 40-65: count", "SELECT COUNT(*) FROM studies s WHERE s.modality = ? AND s.patient_sex = ? AND s.patient_age_years >= 40 AND s.patient_age_years < 65", ("CT","F")),
 ("CT + 30 days, sex F, age 40-65: count", "SELECT COUNT(*) FROM studies s WHERE s.modality = ? AND s.patient_sex = ? AND s.patient_age_years >= 40 AND s.patient_age_years < 65 AND s.study_date >= ?", ("CT","F","2026-10-26")),
 ("sex F, age 40-65: count", "SELECT COUNT(*) FROM studies s WHERE s.patient_sex = ? AND s.patient_age_years >= 40 AND s.patient_age_years < 65", ("F",)),
 ("CT, DLP 300-600: count", f"SELECT COUNT(*) FROM studies s WHERE s.modality = ? AND {dose_ct} BETWEEN 300 AND 600", ("CT",)),
 ("CT + 30 days, DLP 300-600: count", f"SELECT COUNT(*) FROM studies s WHERE s.modality = ? AND s.study_date >= ? AND {dose_ct} BETWEEN 300 AND 600", ("CT", "2026-10-26")),
 ("CT, sort by DLP: page 1", f"SELECT s.* FROM studies s WHERE s.modality = ? ORDER BY {dose_ct} DESC NULLS LAST, s.study_date DESC, s.study_time DESC, s.study_instance_uid DESC LIMIT 50", ("CT",)),
 ("device by key: count", "SELECT COUNT(*) FROM studies s WHERE s.device_key = ?", ("uid:2.25.154702386101470813211706337745240117811",)),
 ("device by key: page 1", f"SELECT s.* FROM studies s WHERE s.device_key = ? {order_date} LIMIT 50", ("uid:2.25.154702386101470813211706337745240117811",)),
 ("device by text: count", "SELECT COUNT(*) FROM studies s WHERE (s.device_key = ? OR LOWER(s.station_name) LIKE ? ESCAPE '\\' OR LOWER(s.model) LIKE ? ESCAPE '\\' OR LOWER(s.manufacturer) LIKE ? ESCAPE '\\' OR LOWER(s.serial_number) LIKE ? ESCAPE '\\')", ("x", "%ct_ed_1%","%ct_ed_1%","%ct_ed_1%","%ct_ed_1%")),
 ("CT, sort by events: page 1", f"SELECT s.* FROM studies s WHERE s.modality = ? ORDER BY s.event_count DESC NULLS LAST, s.study_date DESC, s.study_time DESC, s.study_instance_uid DESC LIMIT 50", ("CT",)),
 ("protocol contains 'head': count", f"SELECT COUNT(*) FROM studies s WHERE s.study_instance_uid IN (SELECT e.study_instance_uid FROM irradiation_events e WHERE e.protocol IN ({protocol_names}))", ("%head%",)),
 ("CT + 30 days, protocol contains 'head': count", f"SELECT COUNT(*) FROM studies s WHERE s.modality = ? AND s.study_date >= ? AND s.study_instance_uid IN (SELECT e.study_instance_uid FROM irradiation_events e WHERE e.protocol IN ({protocol_names}) AND e.study_date >= ?)", ("CT", "2026-10-26", "%head%", "2026-10-26")),
 ("open alerts: count", "SELECT COUNT(*) FROM studies s WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.study_instance_uid = s.study_instance_uid AND a.status <> 'resolved')", ()),
]
for name, sql, p in cases:
    plan = " | ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, p))
    times = []
    for _ in range(3):
        t = time.perf_counter(); db.execute(sql, p).fetchall(); times.append((time.perf_counter() - t) * 1000)
    print(f"| {name} | {min(times):.0f} | {max(times):.0f} | {plan} |")
