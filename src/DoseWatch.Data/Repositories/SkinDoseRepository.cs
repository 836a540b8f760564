using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.SkinDose;

namespace DoseWatch.Data.Repositories;

/// <summary>A stored skin dose result of one dose report (migrations/0029).</summary>
public sealed record StoredSkinDose(string StudyInstanceUid, string SopInstanceUid, SkinDoseResult Result, DateTimeOffset CalculatedAt);

/// <summary>
/// Skin dose results per dose report, and the study's peak skin dose on its row (the largest peak of its reports'
/// maps: reports of one study are cumulative or continued views of one procedure, so their peaks are not added).
/// </summary>
public sealed class SkinDoseRepository(IDbConnectionFactory connections)
{
    public async Task SaveAsync(string studyInstanceUid, string sopInstanceUid, SkinDoseResult result, DateTimeOffset calculatedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var map = result.Map;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO skin_dose_maps (study_instance_uid, sop_instance_uid, method, peak_skin_dose_gy, peak_from_head_end_cm, peak_angle_deg,
                peak_side, reference_point_dose_gy, event_count, events_missing_skin, not_computed_reason, model, map_rings, map_sectors,
                ring_spacing_cm, sector_step_rad, map_dose_gy, calculated_at)
            VALUES (@study, @sop, @method, @peak, @fromHead, @angle, @side, @rp, @events, @missing, @reason, @model, @rings, @sectors,
                @ringSpacing, @sectorStep, @mapBytes, @at)
            ON CONFLICT (study_instance_uid, sop_instance_uid) DO UPDATE SET method = excluded.method, peak_skin_dose_gy = excluded.peak_skin_dose_gy,
                peak_from_head_end_cm = excluded.peak_from_head_end_cm, peak_angle_deg = excluded.peak_angle_deg, peak_side = excluded.peak_side,
                reference_point_dose_gy = excluded.reference_point_dose_gy, event_count = excluded.event_count,
                events_missing_skin = excluded.events_missing_skin, not_computed_reason = excluded.not_computed_reason, model = excluded.model,
                map_rings = excluded.map_rings, map_sectors = excluded.map_sectors, ring_spacing_cm = excluded.ring_spacing_cm,
                sector_step_rad = excluded.sector_step_rad, map_dose_gy = excluded.map_dose_gy, calculated_at = excluded.calculated_at
            """, new
        {
            study = studyInstanceUid, sop = sopInstanceUid, method = result.Method.ToString(), peak = result.PeakSkinDoseGy,
            fromHead = result.PeakLocation?.FromHeadEndCm, angle = result.PeakLocation?.AngleDeg, side = result.PeakLocation?.Side,
            rp = result.ReferencePointDoseGy, events = result.EventCount, missing = result.EventsMissingSkin, reason = result.NotComputedReason,
            model = result.Model, rings = map?.Rings, sectors = map?.Sectors, ringSpacing = map?.RingSpacingCm, sectorStep = map?.SectorStepRad,
            mapBytes = map?.ToBytes(), at = calculatedAt,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE studies SET peak_skin_dose_gy = (SELECT MAX(m.peak_skin_dose_gy) FROM skin_dose_maps m WHERE m.study_instance_uid = studies.study_instance_uid)
            WHERE study_instance_uid = @study
            """, new { study = studyInstanceUid }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Every report's result for the study, the largest peak first, then the reports without a map.</summary>
    public async Task<IReadOnlyList<StoredSkinDose>> ForStudyAsync(string studyInstanceUid, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {RowColumns} FROM skin_dose_maps WHERE study_instance_uid = @studyInstanceUid
            ORDER BY CASE WHEN peak_skin_dose_gy IS NULL THEN 1 ELSE 0 END, peak_skin_dose_gy DESC, sop_instance_uid
            """, new { studyInstanceUid }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToStored()).ToList();
    }

    /// <summary>Each listed study's headline skin dose result (its largest peak, else its report without a map), without the maps.</summary>
    public async Task<IReadOnlyDictionary<string, SkinDoseResult>> HeadlinesAsync(IReadOnlyList<string> studyInstanceUids, CancellationToken cancellationToken = default)
    {
        var headlines = new Dictionary<string, SkinDoseResult>(StringComparer.Ordinal);
        if (studyInstanceUids.Count == 0) return headlines;
        await using var connection = await connections.OpenAsync(cancellationToken);
        foreach (var chunk in studyInstanceUids.Chunk(500))
        {
            // "(@s0, @s1, ...)": Dapper would bind a list as one array parameter on Npgsql, which IN does not accept.
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++) parameters.Add("s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk[i]);
            var list = string.Join(", ", chunk.Select((_, i) => "@s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
                SELECT {RowColumnsWithoutMap} FROM skin_dose_maps WHERE study_instance_uid IN ({list})
                ORDER BY study_instance_uid, CASE WHEN peak_skin_dose_gy IS NULL THEN 1 ELSE 0 END, peak_skin_dose_gy DESC, sop_instance_uid
                """, parameters, cancellationToken: cancellationToken));
            foreach (var row in rows) headlines.TryAdd(row.StudyInstanceUid, row.ToStored().Result);
        }
        return headlines;
    }

    /// <summary>The patient's studies (the study's own included) with a peak skin dose dated within [from, to], the patient found by pseudonym as for the cumulative dose rules.</summary>
    public async Task<IReadOnlyList<PatientPeakSkinDose>> PatientHistoryAsync(string studyInstanceUid, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Uid, string? Date, double Peak)>(new CommandDefinition("""
            SELECT o.study_instance_uid, o.study_date, o.peak_skin_dose_gy
            FROM studies s JOIN studies o ON o.patient_pseudonym = s.patient_pseudonym
            WHERE s.study_instance_uid = @studyInstanceUid AND o.peak_skin_dose_gy IS NOT NULL
              AND o.study_date >= @from AND o.study_date <= @to
            ORDER BY o.study_date, o.study_instance_uid
            """, new { studyInstanceUid, from = from.ToString("yyyy-MM-dd"), to = to.ToString("yyyy-MM-dd") }, cancellationToken: cancellationToken));
        return rows.Select(r => new PatientPeakSkinDose(r.Uid, r.Date is null ? null : DateOnly.Parse(r.Date, System.Globalization.CultureInfo.InvariantCulture), r.Peak)).ToList();
    }

    private const string RowColumns = RowColumnsWithoutMap + ", map_dose_gy AS MapDoseGy";

    private const string RowColumnsWithoutMap = """
        study_instance_uid AS StudyInstanceUid, sop_instance_uid AS SopInstanceUid, method AS Method, peak_skin_dose_gy AS PeakSkinDoseGy,
        peak_from_head_end_cm AS PeakFromHeadEndCm, peak_angle_deg AS PeakAngleDeg, peak_side AS PeakSide, reference_point_dose_gy AS ReferencePointDoseGy,
        event_count AS EventCount, events_missing_skin AS EventsMissingSkin, not_computed_reason AS NotComputedReason, model AS Model,
        map_rings AS MapRings, map_sectors AS MapSectors, ring_spacing_cm AS RingSpacingCm, sector_step_rad AS SectorStepRad,
        calculated_at AS CalculatedAt
        """;

    // Property-mapped: Dapper converts Int32/Int64 per engine for properties, not for record constructors.
    private sealed class Row
    {
        public string StudyInstanceUid { get; init; } = "";
        public string SopInstanceUid { get; init; } = "";
        public string Method { get; init; } = "";
        public double? PeakSkinDoseGy { get; init; }
        public double? PeakFromHeadEndCm { get; init; }
        public double? PeakAngleDeg { get; init; }
        public string? PeakSide { get; init; }
        public double? ReferencePointDoseGy { get; init; }
        public long EventCount { get; init; }
        public long EventsMissingSkin { get; init; }
        public string? NotComputedReason { get; init; }
        public string? Model { get; init; }
        public long? MapRings { get; init; }
        public long? MapSectors { get; init; }
        public double? RingSpacingCm { get; init; }
        public double? SectorStepRad { get; init; }
        public byte[]? MapDoseGy { get; init; }
        public DateTimeOffset CalculatedAt { get; init; }

        public StoredSkinDose ToStored()
        {
            var map = MapDoseGy is { } bytes && MapRings is { } rings && MapSectors is { } sectors
                ? SkinDoseMap.FromBytes((int)rings, (int)sectors, RingSpacingCm ?? 1, SectorStepRad ?? 0.1, bytes)
                : null;
            var location = PeakFromHeadEndCm is { } fromHead && PeakAngleDeg is { } angle ? new SkinLocation(fromHead, angle, PeakSide ?? SkinLocation.SideOf(angle)) : null;
            var result = new SkinDoseResult(Enum.Parse<SkinDoseMethod>(Method), PeakSkinDoseGy, location, ReferencePointDoseGy, (int)EventCount,
                NotComputedReason, map, Model, (int)EventsMissingSkin);
            return new StoredSkinDose(StudyInstanceUid, SopInstanceUid, result, CalculatedAt);
        }
    }
}
