using System.Globalization;
using System.Text;
using Dapper;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Deidentification;

namespace DoseWatch.Data.Export;

/// <summary>
/// Research export (issue #7): the stored DICOM objects of the studies in a date range, de-identified by
/// <see cref="Deidentifier"/>, and studies.csv / events.csv with the same pseudonyms, UIDs and shifted dates, so rows
/// and objects still match. Nothing identifying goes into the CSV: no name, ID, birth date, accession number, station,
/// serial number, descriptions or patient characteristics (the profile's Basic rules, applied to columns).
/// <para>The patient key is the stored pseudonym (HMAC of issuer + patient ID, kept in both privacy modes), so objects
/// and rows of a patient share one export pseudonym and one date shift even when direct identifiers were never stored.</para>
/// </summary>
public sealed class DeidentifiedExport(IDbConnectionFactory connections, StoredObjectCipher storedObjects)
{
    /// <summary>Writes the export through <paramref name="openEntry"/> (a relative path with '/' separators → a writable stream).</summary>
    public async Task<DeidentifiedExportSummary> WriteAsync(Deidentifier deidentifier, DateOnly? from, DateOnly? to,
        Func<string, Stream> openEntry, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var range = new
        {
            From = from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            To = to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        const string inRange = "(@From IS NULL OR s.study_date >= @From) AND (@To IS NULL OR s.study_date <= @To)";
        var studies = (await connection.QueryAsync<StudyRow>(new CommandDefinition($"""
            SELECT s.study_instance_uid AS Uid, s.study_date AS StudyDate, s.study_time AS StudyTime, s.modality AS Modality,
                s.manufacturer AS Manufacturer, s.model AS Model, s.patient_pseudonym AS Pseudonym
            FROM studies s WHERE {inRange} ORDER BY s.study_date, s.study_instance_uid
            """, range, cancellationToken: cancellationToken))).ToList();
        var events = (await connection.QueryAsync<EventRow>(new CommandDefinition($"""
            SELECT e.study_instance_uid AS StudyUid, e.event_uid AS EventUid, e.event_key_kind AS EventKeyKind, e.source_kind AS Source,
                e.started_at AS StartedAt, e.protocol AS Protocol, e.target_region_meaning AS TargetRegion, e.acquisition_type_meaning AS AcquisitionType,
                e.ctdivol_mgy AS CtdiVolMGy, e.dlp_mgy_cm AS DlpMGyCm, e.ssde_mgy AS SsdeMGy, e.dap_gy_cm2 AS DapGyCm2, e.dose_rp_gy AS DoseRpGy,
                e.kvp AS Kvp, e.tube_current_ma AS TubeCurrentMA, e.exposure_time_s AS ExposureTimeS, e.agd_mgy AS AgdMGy,
                e.sar_w_per_kg AS SarWPerKg, e.mechanical_index AS MechanicalIndex, e.administered_activity_mbq AS AdministeredActivityMBq
            FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
            WHERE {inRange} ORDER BY e.study_instance_uid, e.started_at, e.event_uid
            """, range, cancellationToken: cancellationToken))).ToList();
        var instances = (await connection.QueryAsync<InstanceRow>(new CommandDefinition($"""
            SELECT i.study_instance_uid AS StudyUid, i.sop_instance_uid AS SopInstanceUid, i.path AS Path
            FROM instances i JOIN studies s ON s.study_instance_uid = i.study_instance_uid
            WHERE {inRange} ORDER BY i.id
            """, range, cancellationToken: cancellationToken))).ToList();

        var patientOf = studies.ToDictionary(s => s.Uid, s => PatientKey(s), StringComparer.Ordinal);
        var written = 0;
        var skipped = new List<string>();
        foreach (var instance in instances)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(instance.Path)) { skipped.Add($"{instance.SopInstanceUid}: file missing"); continue; }
            DicomFile output;
            try
            {
                output = deidentifier.Deidentify(storedObjects.ReadDicom(instance.Path), patientOf.GetValueOrDefault(instance.StudyUid));
            }
            // One odd stored object (unreadable, undecryptable, or a value no valid object can carry) is skipped and
            // reported; the export of everything else completes. Nothing of it is written: the entry is opened only after this.
            catch (Exception e) when (e is DicomFormatException or StoredObjectUnreadableException or ArgumentException)
            {
                skipped.Add($"{instance.SopInstanceUid}: {e.Message}");
                continue;
            }
            var newStudy = output.DataSet.GetString(DicomTag.StudyInstanceUid) ?? "unknown";
            var newSop = output.DataSet.GetString(DicomTag.SopInstanceUid)!;
            await using (var stream = openEntry($"dicom/{newStudy}/{newSop}.dcm")) DicomWriter.WriteFile(stream, output);
            written++;
        }

        await using (var stream = openEntry("studies.csv"))
            await WriteCsvAsync(stream, ["patient", "study_instance_uid", "study_date", "study_time", "modality", "manufacturer", "model", "event_count"],
                studies.Select(s => new[]
                {
                    deidentifier.PatientPseudonym(patientOf[s.Uid]), deidentifier.ReplaceUid(s.Uid),
                    ShiftIsoDate(s.StudyDate, deidentifier.DateShiftDays(patientOf[s.Uid])), s.StudyTime, s.Modality, s.Manufacturer, s.Model,
                    events.Count(e => e.StudyUid == s.Uid).ToString(CultureInfo.InvariantCulture),
                }), cancellationToken);
        await using (var stream = openEntry("events.csv"))
            await WriteCsvAsync(stream, EventRow.Header, events.Select(e => e.Cells(deidentifier, patientOf[e.StudyUid])), cancellationToken);
        return new DeidentifiedExportSummary(studies.Count, events.Count, written, skipped);
    }

    private static string PatientKey(StudyRow s) =>
        s.Pseudonym is { Length: > 0 } p ? "pseudonym:" + p : "study:" + s.Uid; // no patient ID at all: each study its own patient

    private static string? ShiftIsoDate(string? isoDate, int days) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;

    private static async Task WriteCsvAsync(Stream stream, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', header.Select(CsvCell.Write)));
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',', row.Select(CsvCell.Write)));
        }
    }

    private sealed class StudyRow
    {
        public string Uid { get; init; } = "";
        public string? StudyDate { get; init; }
        public string? StudyTime { get; init; }
        public string? Modality { get; init; }
        public string? Manufacturer { get; init; }
        public string? Model { get; init; }
        public string? Pseudonym { get; init; }
    }

    private sealed class InstanceRow
    {
        public string StudyUid { get; init; } = "";
        public string SopInstanceUid { get; init; } = "";
        public string Path { get; init; } = "";
    }

    private sealed class EventRow
    {
        public string StudyUid { get; init; } = "";
        public string EventUid { get; init; } = "";
        public string EventKeyKind { get; init; } = "";
        public string Source { get; init; } = "";
        public DateTimeOffset? StartedAt { get; init; }
        public string? Protocol { get; init; }
        public string? TargetRegion { get; init; }
        public string? AcquisitionType { get; init; }
        public double? CtdiVolMGy { get; init; }
        public double? DlpMGyCm { get; init; }
        public double? SsdeMGy { get; init; }
        public double? DapGyCm2 { get; init; }
        public double? DoseRpGy { get; init; }
        public double? Kvp { get; init; }
        public double? TubeCurrentMA { get; init; }
        public double? ExposureTimeS { get; init; }
        public double? AgdMGy { get; init; }
        public double? SarWPerKg { get; init; }
        public double? MechanicalIndex { get; init; }
        public double? AdministeredActivityMBq { get; init; }

        public static readonly IReadOnlyList<string> Header =
        [
            "study_instance_uid", "irradiation_event_uid", "started_at", "source", "protocol", "target_region", "acquisition_type",
            "ctdivol_mgy", "dlp_mgy_cm", "ssde_mgy", "dap_gy_cm2", "dose_rp_gy", "kvp", "tube_current_ma", "exposure_time_s", "agd_mgy",
            "sar_w_per_kg", "mechanical_index", "administered_activity_mbq",
        ];

        public IReadOnlyList<string?> Cells(Deidentifier d, string patientKey) =>
        [
            d.ReplaceUid(StudyUid),
            // Keys made from series/instance numbers (images without an Irradiation Event UID) are not UIDs: replaced all the same.
            EventKeyKind == "IrradiationEventUid" ? d.ReplaceUid(EventUid) : d.ReplaceUid(EventKeyKind + ":" + EventUid),
            StartedAt?.AddDays(d.DateShiftDays(patientKey)).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
            Source, Protocol, TargetRegion, AcquisitionType,
            N(CtdiVolMGy), N(DlpMGyCm), N(SsdeMGy), N(DapGyCm2), N(DoseRpGy), N(Kvp), N(TubeCurrentMA), N(ExposureTimeS), N(AgdMGy),
            N(SarWPerKg), N(MechanicalIndex), N(AdministeredActivityMBq),
        ];

        private static string? N(double? v) => v?.ToString("R", CultureInfo.InvariantCulture);
    }
}

/// <param name="Skipped">Objects that could not be exported, with the reason (missing file, unreadable, an invalid UID).</param>
public sealed record DeidentifiedExportSummary(int Studies, int Events, int Objects, IReadOnlyList<string> Skipped);
