using System.Security.Claims;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Privacy;
using DoseWatch.Core.SkinDose;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Api;

/// <summary>
/// GET /api/v1/studies (filtered, paged) and GET /api/v1/studies/{studyInstanceUid} (study, device, totals, events).
/// The patient is shown as <see cref="PatientIdentityDisclosure"/> decides for the caller (identity or pseudonym; audited).
/// Registered with one line, <c>app.MapStudiesApi();</c>; the repository is stateless and built per request.
/// </summary>
public static class StudiesApi
{
    public static IEndpointRouteBuilder MapStudiesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/studies").WithTags("Studies").RequireAuthorization(Access.AccessPolicies.Dashboards);
        group.MapGet("/", ListStudies).WithName("ListStudies").WithSummary("Studies with dose totals, filtered and paged (newest first).");
        group.MapGet("/{studyInstanceUid}", GetStudy).WithName("GetStudy").WithSummary("One study with device, totals and irradiation events.");
        return app;
    }

    public static async Task<Results<Ok<StudyListResponse>, ValidationProblem, ForbidHttpResult>> ListStudies(
        IDbConnectionFactory connections, PatientIdentityDisclosure patients, PatientPseudonym pseudonyms, ClaimsPrincipal user,
        [AsParameters] StudyFilter filter, CancellationToken cancellationToken)
    {
        var (query, errors) = filter.Validate();
        if (query is null) return TypedResults.ValidationProblem(errors);
        if (!string.IsNullOrWhiteSpace(filter.PatientId))
        {
            // Finding a named patient's studies is a use of identity: the same roles that see it.
            if (!PatientIdentityDisclosure.MaySeeIdentity(user)) return TypedResults.Forbid();
            query = query with { PatientPseudonym = pseudonyms.For(filter.IssuerOfPatientId, filter.PatientId) };
        }
        var result = await new DoseRecordRepository(connections).ListStudiesAsync(query, cancellationToken);
        var identities = await patients.ForStudiesAsync(user, result.Items.Select(s => s.Study.StudyInstanceUid).ToList(), "GET /api/v1/studies", cancellationToken);
        return TypedResults.Ok(new StudyListResponse(
            result.Items.Select(s => ToResponse(s.Study, s.DeviceId, s.Totals) with { Patient = Patient(identities, s.Study.StudyInstanceUid), PeakSkinDoseGy = s.PeakSkinDoseGy }).ToList(),
            result.Page, result.PageSize, result.Total));
    }

    public static async Task<Results<Ok<StudyDetailResponse>, NotFound>> GetStudy(
        IDbConnectionFactory connections, PatientIdentityDisclosure patients, ClaimsPrincipal user, string studyInstanceUid, CancellationToken cancellationToken)
    {
        var repository = new DoseRecordRepository(connections);
        var record = await repository.GetStudyAsync(studyInstanceUid, cancellationToken);
        if (record is null) return TypedResults.NotFound();
        var sources = await repository.SourceObjectsAsync(studyInstanceUid, cancellationToken);
        var identities = await patients.ForStudiesAsync(user, [studyInstanceUid], $"GET /api/v1/studies/{studyInstanceUid}", cancellationToken);
        var study = ToResponse(record.Study, record.DeviceId, record.Totals);
        var skin = (await new SkinDoseRepository(connections).ForStudyAsync(studyInstanceUid, cancellationToken)).FirstOrDefault()?.Result;
        return TypedResults.Ok(new StudyDetailResponse
        {
            StudyInstanceUid = study.StudyInstanceUid,
            AccessionNumber = study.AccessionNumber,
            StudyDate = study.StudyDate,
            StudyTime = study.StudyTime,
            Modality = study.Modality,
            RequestedProcedure = study.RequestedProcedure,
            Modalities = StudyModalities.Of(record.Study, sources),
            StudyDescription = study.StudyDescription,
            Device = study.Device,
            Patient = Patient(identities, studyInstanceUid),
            PatientAge = study.PatientAge,
            PatientSex = study.PatientSex,
            PatientWeightKg = study.PatientWeightKg,
            PatientHeightM = study.PatientHeightM,
            Totals = study.Totals,
            Events = record.Events.Select(ToResponse).ToList(),
            ExtractionWarnings = [.. sources.SelectMany(o => o.WarningLines.Select(w => new ExtractionWarningResponse(o.SopInstanceUid, w)))],
            SourceObjects = sources.Where(o => o.Kind == nameof(ExtractionKind.DoseObject)).Select(ToResponse).ToList(),
            PeakSkinDoseGy = skin?.PeakSkinDoseGy,
            SkinDose = skin is null ? null : ToResponse(skin),
        });
    }

    internal static SkinDoseResponse ToResponse(SkinDoseResult r) => new(r.Method.ToString(), r.PeakSkinDoseGy,
        r.PeakLocation is { } l ? new SkinLocationResponse(l.FromHeadEndCm, l.AngleDeg, l.Side) : null,
        r.ReferencePointDoseGy, r.EventCount, r.EventsMissingSkin, r.NotComputedReason, r.Model);

    private static PatientResponse? Patient(IReadOnlyDictionary<string, PatientIdentity> identities, string studyInstanceUid) =>
        identities.TryGetValue(studyInstanceUid, out var p) ? new PatientResponse(p.Pseudonym, p.Name, p.Id, p.IssuerOfId, p.BirthDate) : null;

    internal static StudyResponse ToResponse(Study s, long? deviceId, StudyTotals t) => new()
    {
        StudyInstanceUid = s.StudyInstanceUid,
        AccessionNumber = s.AccessionNumber,
        StudyDate = s.StudyDate,
        StudyTime = s.StudyTime,
        Modality = s.Modality,
        RequestedProcedure = s.RequestedProcedure,
        StudyDescription = s.StudyDescription,
        Device = new DeviceResponse(s.Device.Manufacturer, s.Device.Model, s.Device.StationName, s.Device.SerialNumber, s.Device.DeviceObserverUid, deviceId),
        PatientAge = s.Patient.Age,
        PatientSex = s.Patient.Sex,
        PatientWeightKg = s.Patient.WeightKg,
        PatientHeightM = s.Patient.HeightM,
        Totals = new TotalsResponse(t.EventCount, t.DlpTotalMGyCm, t.DapTotalGyCm2, t.DoseRpTotalGy, t.FluoroTimeTotalS, t.AgdTotalMGy)
        {
            ReportedByDevice = new QuantitiesResponse(t.Reported.DlpTotalMGyCm, t.Reported.DapTotalGyCm2, t.Reported.DoseRpTotalGy, t.Reported.FluoroTimeTotalS, t.Reported.AgdTotalMGy),
            EventSums = new QuantitiesResponse(t.Sums.DlpMGyCm, t.Sums.DapGyCm2, t.Sums.DoseRpGy, t.Sums.FluoroTimeS, t.Sums.AgdMGy),
            Discrepancies = [.. t.Discrepancies.Select(d => new TotalsDiscrepancyResponse(d.Quantity, d.Unit, d.Reported, d.EventSum, d.Message))],
        },
    };

    internal static EventResponse ToResponse(StoredEvent stored)
    {
        var e = stored.Event;
        var ssde = e.Estimates.FirstOrDefault(x => x.Quantity == "SSDE");
        var effective = e.Estimates.FirstOrDefault(x => x.Quantity == "EffectiveDose");
        return new EventResponse
        {
            IrradiationEventUid = e.EventUid,
            EventKeyKind = e.EventKeyKind,
            Source = e.Source.ToString(),
            CountedInTotals = stored.CountedInTotals,
            StartedAt = e.StartedAt,
            Protocol = e.Protocol,
            TargetRegion = Code(e.TargetRegion),
            AcquisitionType = Code(e.AcquisitionType),
            CtdiVolMGy = e.CtdiVolMGy,
            Phantom = e.Phantom?.ToString(),
            DlpMGyCm = e.DlpMGyCm,
            SsdeMGy = e.SsdeMGy,
            SsdeEstimateMGy = ssde?.Value,
            SsdeEstimateMethod = ssde?.Method,
            EffectiveDoseEstimateMSv = effective?.Value,
            EffectiveDoseEstimateMethod = effective?.Method,
            WaterEquivalentDiameterMm = e.WaterEquivalentDiameterMm,
            Kvp = e.Kvp,
            TubeCurrentMA = e.TubeCurrentMA,
            XRaySources = e.XRaySources.Select(x => new XRaySourceResponse(x.Identification, x.Kvp, x.TubeCurrentMA, x.MaximumTubeCurrentMA, x.ExposureTimePerRotationS)).ToList(),
            ExposureTimeS = e.ExposureTimeS,
            PitchFactor = e.PitchFactor,
            ScanLengthMm = e.ScanLengthMm,
            DapGyCm2 = e.DapGyCm2,
            DoseRpGy = e.DoseRpGy,
            AgdMGy = e.AgdMGy,
            Laterality = e.Laterality,
            SarWPerKg = e.SarWPerKg,
            SarDefinition = e.SarDefinition,
            DbdtTPerS = e.DbdtTPerS,
            B1rmsUT = e.B1rmsUT,
            OperatingMode = e.OperatingMode,
            MechanicalIndex = e.MechanicalIndex,
            ThermalIndexSoftTissue = e.ThermalIndexSoftTissue,
            ThermalIndexBone = e.ThermalIndexBone,
            ThermalIndexCranialBone = e.ThermalIndexCranialBone,
            AdministeredActivityMBq = e.AdministeredActivityMBq,
            RadiopharmaceuticalAgent = e.RadiopharmaceuticalAgent,
            DoseCheck = e.DoseCheck is { } c
                ? new DoseCheckResponse(c.Alert?.CtdiVolAlertValueMGy, c.Alert?.DlpAlertValueMGyCm, c.Notification?.CtdiVolNotificationValueMGy,
                    c.Notification?.DlpNotificationValueMGyCm, c.Alert?.ReasonForProceeding ?? c.Notification?.ReasonForProceeding)
                {
                    AccumulatedCtdiVolForwardEstimateMGy = c.Alert?.AccumulatedCtdiVolForwardEstimateMGy,
                    AccumulatedDlpForwardEstimateMGyCm = c.Alert?.AccumulatedDlpForwardEstimateMGyCm,
                    CtdiVolForwardEstimateMGy = c.Notification?.CtdiVolForwardEstimateMGy,
                    DlpForwardEstimateMGyCm = c.Notification?.DlpForwardEstimateMGyCm,
                    AuthorizedBy = c.Alert?.AuthorizedBy ?? c.Notification?.AuthorizedBy,
                }
                : null,
            AcquisitionPlane = e.AcquisitionPlane,
            SingleCollimationWidthMm = e.NominalSingleCollimationMm,
            TotalCollimationWidthMm = e.NominalTotalCollimationMm,
            EffectiveDiameterMm = e.EffectiveDiameterMm,
            ExposureMAs = e.ExposureMAs,
            Contrast = e.ProcedureContext,
            IrradiationDurationS = e.IrradiationDurationS,
            PulseRatePerS = e.PulseRatePerS,
            NumberOfPulses = e.NumberOfPulses,
            PulseWidthMs = e.PulseWidthMs,
            ExposureIndex = e.ExposureIndex,
            TargetExposureIndex = e.TargetExposureIndex,
            DeviationIndex = e.DeviationIndex,
            EntranceExposureAtRpMGy = e.EntranceDoseMGy,
            HalfValueLayerMm = e.HalfValueLayerMm,
            Filters = e.Filters,
            AnodeTarget = e.AnodeTarget,
            CompressionThicknessMm = e.CompressionThicknessMm,
            CompressionForceN = e.CompressionForceN,
            DistanceSourceToDetectorMm = e.Geometry?.DistanceSourceToDetectorMm,
            DistanceSourceToIsocenterMm = e.Geometry?.DistanceSourceToIsocenterMm,
            DistanceSourceToReferencePointMm = e.Geometry?.DistanceSourceToReferencePointMm,
            PositionerPrimaryAngleDeg = e.Geometry?.PositionerPrimaryAngleDeg,
            PositionerSecondaryAngleDeg = e.Geometry?.PositionerSecondaryAngleDeg,
            TableLongitudinalPositionMm = e.Geometry?.TableLongitudinalPositionMm,
            TableLateralPositionMm = e.Geometry?.TableLateralPositionMm,
            TableHeightPositionMm = e.Geometry?.TableHeightPositionMm,
            TableHeadTiltAngleDeg = e.Geometry?.TableHeadTiltAngleDeg,
            TableHorizontalRotationAngleDeg = e.Geometry?.TableHorizontalRotationAngleDeg,
            TableCradleTiltAngleDeg = e.Geometry?.TableCradleTiltAngleDeg,
            CollimatedFieldAreaM2 = e.Geometry?.CollimatedFieldAreaM2,
            CollimatedFieldHeightMm = e.Geometry?.CollimatedFieldHeightMm,
            CollimatedFieldWidthMm = e.Geometry?.CollimatedFieldWidthMm,
            CopperFilterMm = e.Geometry?.CopperFilterMm,
            AluminiumFilterMm = e.Geometry?.AluminiumFilterMm,
            FieldStrengthT = e.FieldStrengthT,
            Transducer = e.Transducer,
            Preset = e.Preset,
            Radionuclide = Code(e.Radionuclide),
            RouteOfAdministration = Code(e.Route),
            AdministeredAt = e.AdministeredAt,
            ReportedEffectiveDoseMSv = e.ReportedEffectiveDoseMSv,
        };
    }

    internal static SourceObjectResponse ToResponse(StudySourceObject o) => new()
    {
        SopInstanceUid = o.SopInstanceUid,
        SopClassUid = o.SopClassUid,
        Modality = o.Modality,
        AccessionNumber = o.AccessionNumber,
        Manufacturer = o.Manufacturer,
        Model = o.Model,
        StationName = o.StationName,
        Kind = o.Kind,
        EventCount = o.EventCount,
        Warnings = o.Warnings.Split('\n', StringSplitOptions.RemoveEmptyEntries),
        Reported = new ReportedTotalsResponse
        {
            EventCount = o.Accumulated.ReportedEventCount,
            DlpTotalMGyCm = o.Accumulated.DlpTotalMGyCm,
            CtEffectiveDoseTotalMSv = o.Accumulated.CtEffectiveDoseTotalMSv,
            DapTotalGyCm2 = o.Accumulated.DapTotalGyCm2,
            DoseRpTotalGy = o.Accumulated.DoseRpTotalGy,
            FluoroDapTotalGyCm2 = o.Accumulated.FluoroDapTotalGyCm2,
            FluoroDoseRpTotalGy = o.Accumulated.FluoroDoseRpTotalGy,
            AcquisitionDapTotalGyCm2 = o.Accumulated.AcquisitionDapTotalGyCm2,
            AcquisitionDoseRpTotalGy = o.Accumulated.AcquisitionDoseRpTotalGy,
            FluoroTimeTotalS = o.Accumulated.FluoroTimeTotalS,
            AcquisitionTimeTotalS = o.Accumulated.AcquisitionTimeTotalS,
            RadiographicFrameCount = o.Accumulated.RadiographicFrameCount,
            AgdLeftBreastMGy = o.Accumulated.AgdLeftBreastMGy,
            AgdRightBreastMGy = o.Accumulated.AgdRightBreastMGy,
            AgdTotalMGy = o.Accumulated.AgdTotalMGy,
        },
    };

    private static CodeResponse? Code(ConceptCode? c) => c is null ? null : new CodeResponse(c.Value, c.Scheme, c.Meaning);
}
