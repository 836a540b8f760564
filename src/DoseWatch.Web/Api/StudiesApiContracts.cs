using System.Text.Json.Serialization;

namespace DoseWatch.Web.Api;

// JSON contracts of /api/v1/studies (issue #4). Names are fixed by attribute, not by a naming policy, because
// clients and dashboards depend on them; every dose value is in the unit its name carries and is null when absent.

public sealed record DeviceResponse(
    [property: JsonPropertyName("manufacturer")] string? Manufacturer,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("stationName")] string? StationName,
    [property: JsonPropertyName("serialNumber")] string? SerialNumber,
    [property: JsonPropertyName("deviceObserverUid")] string? DeviceObserverUid,
    [property: JsonPropertyName("deviceId")] long? DeviceId);

public sealed record TotalsResponse(
    [property: JsonPropertyName("eventCount")] int EventCount,
    [property: JsonPropertyName("dlpTotalMGyCm")] double? DlpTotalMGyCm,
    [property: JsonPropertyName("dapTotalGyCm2")] double? DapTotalGyCm2,
    [property: JsonPropertyName("doseRpTotalGy")] double? DoseRpTotalGy,
    [property: JsonPropertyName("fluoroTimeTotalS")] double? FluoroTimeTotalS,
    [property: JsonPropertyName("agdTotalMGy")] double? AgdTotalMGy)
{
    /// <summary>The device's own accumulated values combined over the study's dose reports (null where none reports the quantity).</summary>
    [JsonPropertyName("reportedByDevice")] public QuantitiesResponse? ReportedByDevice { get; init; }

    /// <summary>The sums over the study's counted events, kept beside the device's totals.</summary>
    [JsonPropertyName("eventSums")] public QuantitiesResponse? EventSums { get; init; }

    /// <summary>Where the device's total and the event sum differ beyond rounding (1 %).</summary>
    [JsonPropertyName("discrepancies")] public IReadOnlyList<TotalsDiscrepancyResponse> Discrepancies { get; init; } = [];
}

public sealed record QuantitiesResponse(
    [property: JsonPropertyName("dlpMGyCm")] double? DlpMGyCm,
    [property: JsonPropertyName("dapGyCm2")] double? DapGyCm2,
    [property: JsonPropertyName("doseRpGy")] double? DoseRpGy,
    [property: JsonPropertyName("fluoroTimeS")] double? FluoroTimeS,
    [property: JsonPropertyName("agdMGy")] double? AgdMGy);

public sealed record TotalsDiscrepancyResponse(
    [property: JsonPropertyName("quantity")] string Quantity,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("reportedByDevice")] double ReportedByDevice,
    [property: JsonPropertyName("eventSum")] double EventSum,
    [property: JsonPropertyName("message")] string Message);

public sealed record CodeResponse(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("meaning")] string? Meaning);

public sealed record EventResponse
{
    [JsonPropertyName("irradiationEventUid")] public required string IrradiationEventUid { get; init; }
    [JsonPropertyName("eventKeyKind")] public required string EventKeyKind { get; init; }
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("countedInTotals")] public bool CountedInTotals { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("protocol")] public string? Protocol { get; init; }
    [JsonPropertyName("targetRegion")] public CodeResponse? TargetRegion { get; init; }
    [JsonPropertyName("acquisitionType")] public CodeResponse? AcquisitionType { get; init; }
    [JsonPropertyName("ctdiVolMGy")] public double? CtdiVolMGy { get; init; }
    [JsonPropertyName("phantom")] public string? Phantom { get; init; }
    [JsonPropertyName("dlpMGyCm")] public double? DlpMGyCm { get; init; }
    [JsonPropertyName("ssdeMGy")] public double? SsdeMGy { get; init; }
    [JsonPropertyName("ssdeEstimateMGy")] public double? SsdeEstimateMGy { get; init; }
    [JsonPropertyName("ssdeEstimateMethod")] public string? SsdeEstimateMethod { get; init; }
    [JsonPropertyName("effectiveDoseEstimateMSv")] public double? EffectiveDoseEstimateMSv { get; init; }
    [JsonPropertyName("effectiveDoseEstimateMethod")] public string? EffectiveDoseEstimateMethod { get; init; }
    [JsonPropertyName("waterEquivalentDiameterMm")] public double? WaterEquivalentDiameterMm { get; init; }
    [JsonPropertyName("kvp")] public double? Kvp { get; init; }
    [JsonPropertyName("tubeCurrentMA")] public double? TubeCurrentMA { get; init; }
    [JsonPropertyName("xRaySources")] public IReadOnlyList<XRaySourceResponse> XRaySources { get; init; } = [];
    [JsonPropertyName("exposureTimeS")] public double? ExposureTimeS { get; init; }
    [JsonPropertyName("pitchFactor")] public double? PitchFactor { get; init; }
    [JsonPropertyName("scanLengthMm")] public double? ScanLengthMm { get; init; }
    [JsonPropertyName("dapGyCm2")] public double? DapGyCm2 { get; init; }
    [JsonPropertyName("doseRpGy")] public double? DoseRpGy { get; init; }
    [JsonPropertyName("agdMGy")] public double? AgdMGy { get; init; }
    [JsonPropertyName("laterality")] public string? Laterality { get; init; }
    [JsonPropertyName("sarWPerKg")] public double? SarWPerKg { get; init; }
    [JsonPropertyName("sarDefinition")] public string? SarDefinition { get; init; }
    [JsonPropertyName("dbdtTPerS")] public double? DbdtTPerS { get; init; }
    [JsonPropertyName("b1rmsUT")] public double? B1rmsUT { get; init; }
    [JsonPropertyName("operatingMode")] public string? OperatingMode { get; init; }
    [JsonPropertyName("mechanicalIndex")] public double? MechanicalIndex { get; init; }
    [JsonPropertyName("thermalIndexSoftTissue")] public double? ThermalIndexSoftTissue { get; init; }
    [JsonPropertyName("thermalIndexBone")] public double? ThermalIndexBone { get; init; }
    [JsonPropertyName("thermalIndexCranialBone")] public double? ThermalIndexCranialBone { get; init; }
    [JsonPropertyName("administeredActivityMBq")] public double? AdministeredActivityMBq { get; init; }
    [JsonPropertyName("radiopharmaceuticalAgent")] public string? RadiopharmaceuticalAgent { get; init; }
    [JsonPropertyName("doseCheck")] public DoseCheckResponse? DoseCheck { get; init; }

    // Issue #16 item 9: every other quantity the extractors read, each in the unit its name carries.
    [JsonPropertyName("acquisitionPlane")] public string? AcquisitionPlane { get; init; }
    [JsonPropertyName("singleCollimationWidthMm")] public double? SingleCollimationWidthMm { get; init; }
    [JsonPropertyName("totalCollimationWidthMm")] public double? TotalCollimationWidthMm { get; init; }
    [JsonPropertyName("effectiveDiameterMm")] public double? EffectiveDiameterMm { get; init; }
    [JsonPropertyName("exposureMAs")] public double? ExposureMAs { get; init; }
    /// <summary>CT Procedure Context (CID 10014: with or without contrast), as the device names it.</summary>
    [JsonPropertyName("contrast")] public string? Contrast { get; init; }
    [JsonPropertyName("irradiationDurationS")] public double? IrradiationDurationS { get; init; }
    [JsonPropertyName("pulseRatePerS")] public double? PulseRatePerS { get; init; }
    [JsonPropertyName("numberOfPulses")] public double? NumberOfPulses { get; init; }
    [JsonPropertyName("pulseWidthMs")] public double? PulseWidthMs { get; init; }
    [JsonPropertyName("exposureIndex")] public double? ExposureIndex { get; init; }
    [JsonPropertyName("targetExposureIndex")] public double? TargetExposureIndex { get; init; }
    [JsonPropertyName("deviationIndex")] public double? DeviationIndex { get; init; }
    [JsonPropertyName("entranceExposureAtRpMGy")] public double? EntranceExposureAtRpMGy { get; init; }
    [JsonPropertyName("halfValueLayerMm")] public double? HalfValueLayerMm { get; init; }
    [JsonPropertyName("filters")] public string? Filters { get; init; }
    [JsonPropertyName("anodeTarget")] public string? AnodeTarget { get; init; }
    [JsonPropertyName("compressionThicknessMm")] public double? CompressionThicknessMm { get; init; }
    [JsonPropertyName("compressionForceN")] public double? CompressionForceN { get; init; }
    [JsonPropertyName("distanceSourceToDetectorMm")] public double? DistanceSourceToDetectorMm { get; init; }
    [JsonPropertyName("distanceSourceToIsocenterMm")] public double? DistanceSourceToIsocenterMm { get; init; }
    [JsonPropertyName("distanceSourceToReferencePointMm")] public double? DistanceSourceToReferencePointMm { get; init; }
    [JsonPropertyName("positionerPrimaryAngleDeg")] public double? PositionerPrimaryAngleDeg { get; init; }
    [JsonPropertyName("positionerSecondaryAngleDeg")] public double? PositionerSecondaryAngleDeg { get; init; }
    [JsonPropertyName("tableLongitudinalPositionMm")] public double? TableLongitudinalPositionMm { get; init; }
    [JsonPropertyName("tableLateralPositionMm")] public double? TableLateralPositionMm { get; init; }
    [JsonPropertyName("tableHeightPositionMm")] public double? TableHeightPositionMm { get; init; }
    [JsonPropertyName("tableHeadTiltAngleDeg")] public double? TableHeadTiltAngleDeg { get; init; }
    [JsonPropertyName("tableHorizontalRotationAngleDeg")] public double? TableHorizontalRotationAngleDeg { get; init; }
    [JsonPropertyName("tableCradleTiltAngleDeg")] public double? TableCradleTiltAngleDeg { get; init; }
    [JsonPropertyName("collimatedFieldAreaM2")] public double? CollimatedFieldAreaM2 { get; init; }
    [JsonPropertyName("collimatedFieldHeightMm")] public double? CollimatedFieldHeightMm { get; init; }
    [JsonPropertyName("collimatedFieldWidthMm")] public double? CollimatedFieldWidthMm { get; init; }
    [JsonPropertyName("copperFilterMm")] public double? CopperFilterMm { get; init; }
    [JsonPropertyName("aluminiumFilterMm")] public double? AluminiumFilterMm { get; init; }
    [JsonPropertyName("fieldStrengthT")] public double? FieldStrengthT { get; init; }
    [JsonPropertyName("transducer")] public string? Transducer { get; init; }
    [JsonPropertyName("preset")] public string? Preset { get; init; }
    [JsonPropertyName("radionuclide")] public CodeResponse? Radionuclide { get; init; }
    [JsonPropertyName("routeOfAdministration")] public CodeResponse? RouteOfAdministration { get; init; }
    [JsonPropertyName("administeredAt")] public DateTimeOffset? AdministeredAt { get; init; }
    /// <summary>Effective Dose (113839) as the dose report states it; DoseWatch's own estimate is effectiveDoseEstimateMSv.</summary>
    [JsonPropertyName("reportedEffectiveDoseMSv")] public double? ReportedEffectiveDoseMSv { get; init; }
}

public sealed record XRaySourceResponse(
    [property: JsonPropertyName("identification")] string? Identification,
    [property: JsonPropertyName("kvp")] double? Kvp,
    [property: JsonPropertyName("tubeCurrentMA")] double? TubeCurrentMA,
    [property: JsonPropertyName("maximumTubeCurrentMA")] double? MaximumTubeCurrentMA,
    [property: JsonPropertyName("exposureTimePerRotationS")] double? ExposureTimePerRotationS);

public sealed record DoseCheckResponse(
    [property: JsonPropertyName("ctdiVolAlertValueMGy")] double? CtdiVolAlertValueMGy,
    [property: JsonPropertyName("dlpAlertValueMGyCm")] double? DlpAlertValueMGyCm,
    [property: JsonPropertyName("ctdiVolNotificationValueMGy")] double? CtdiVolNotificationValueMGy,
    [property: JsonPropertyName("dlpNotificationValueMGyCm")] double? DlpNotificationValueMGyCm,
    [property: JsonPropertyName("reasonForProceeding")] string? ReasonForProceeding)
{
    /// <summary>TID 10015 alert part: the accumulated forward estimates that crossed the alert values.</summary>
    [JsonPropertyName("accumulatedCtdiVolForwardEstimateMGy")] public double? AccumulatedCtdiVolForwardEstimateMGy { get; init; }
    [JsonPropertyName("accumulatedDlpForwardEstimateMGyCm")] public double? AccumulatedDlpForwardEstimateMGyCm { get; init; }
    /// <summary>TID 10015 notification part: the forward estimates that crossed the notification values.</summary>
    [JsonPropertyName("ctdiVolForwardEstimateMGy")] public double? CtdiVolForwardEstimateMGy { get; init; }
    [JsonPropertyName("dlpForwardEstimateMGyCm")] public double? DlpForwardEstimateMGyCm { get; init; }
    /// <summary>The person who authorised proceeding (alert part, else notification part).</summary>
    [JsonPropertyName("authorizedBy")] public string? AuthorizedBy { get; init; }
}

public record StudyResponse
{
    [JsonPropertyName("studyInstanceUid")] public required string StudyInstanceUid { get; init; }
    [JsonPropertyName("accessionNumber")] public string? AccessionNumber { get; init; }
    [JsonPropertyName("studyDate")] public DateOnly? StudyDate { get; init; }
    [JsonPropertyName("studyTime")] public TimeOnly? StudyTime { get; init; }
    [JsonPropertyName("modality")] public string? Modality { get; init; }
    [JsonPropertyName("requestedProcedure")] public string? RequestedProcedure { get; init; }
    [JsonPropertyName("studyDescription")] public string? StudyDescription { get; init; }
    [JsonPropertyName("device")] public required DeviceResponse Device { get; init; }
    [JsonPropertyName("patient")] public PatientResponse? Patient { get; init; }
    [JsonPropertyName("patientAge")] public string? PatientAge { get; init; }
    [JsonPropertyName("patientSex")] public string? PatientSex { get; init; }
    [JsonPropertyName("patientWeightKg")] public double? PatientWeightKg { get; init; }
    [JsonPropertyName("patientHeightM")] public double? PatientHeightM { get; init; }
    [JsonPropertyName("totals")] public required TotalsResponse Totals { get; init; }
    /// <summary>Fluoroscopy: peak skin dose of the study's skin dose map (Gy); null when no map could be computed (see skinDose).</summary>
    [JsonPropertyName("peakSkinDoseGy")] public double? PeakSkinDoseGy { get; init; }
}

/// <summary>
/// The study's skin dose: a map's peak and where it lies on the phantom, or, with method "ReferencePointDose", only the
/// dose at the reference point and the reason no map could be computed (missing geometry, unknown table convention).
/// </summary>
public sealed record SkinDoseResponse(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("peakSkinDoseGy")] double? PeakSkinDoseGy,
    [property: JsonPropertyName("peakLocation")] SkinLocationResponse? PeakLocation,
    [property: JsonPropertyName("referencePointDoseGy")] double? ReferencePointDoseGy,
    [property: JsonPropertyName("eventCount")] int EventCount,
    [property: JsonPropertyName("eventsMissingSkin")] int EventsMissingSkin,
    [property: JsonPropertyName("notComputedReason")] string? NotComputedReason,
    [property: JsonPropertyName("model")] string? Model);

/// <summary>Where the peak lies on the phantom: distance from its head end, angle around the body (0° left, 90° back, 180° right, 270° front) and that side in words.</summary>
public sealed record SkinLocationResponse(
    [property: JsonPropertyName("fromHeadEndCm")] double FromHeadEndCm,
    [property: JsonPropertyName("angleDeg")] double AngleDeg,
    [property: JsonPropertyName("side")] string Side);

/// <summary>The pseudonym always; name, ID, issuer and birth date only for roles that see patient identity (absent otherwise).</summary>
public sealed record PatientResponse(
    [property: JsonPropertyName("pseudonym")] string? Pseudonym,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonPropertyName("issuerOfId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IssuerOfId,
    [property: JsonPropertyName("birthDate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BirthDate);

public sealed record StudyDetailResponse : StudyResponse
{
    /// <summary>Every modality of the study's dose objects (a PET/CT has CT and PT or NM), the first received first.</summary>
    [JsonPropertyName("modalities")] public IReadOnlyList<string> Modalities { get; init; } = [];
    [JsonPropertyName("events")] public required IReadOnlyList<EventResponse> Events { get; init; }

    /// <summary>What extraction could not read as a fact, per dose object: a missing required value, an unknown unit…</summary>
    [JsonPropertyName("extractionWarnings")] public IReadOnlyList<ExtractionWarningResponse> ExtractionWarnings { get; init; } = [];

    [JsonPropertyName("sourceObjects")] public IReadOnlyList<SourceObjectResponse> SourceObjects { get; init; } = [];
    /// <summary>Fluoroscopy: the skin dose result (absent for other modalities and before the skin dose job has run).</summary>
    [JsonPropertyName("skinDose"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public SkinDoseResponse? SkinDose { get; init; }
}

public sealed record ExtractionWarningResponse(
    [property: JsonPropertyName("sopInstanceUid")] string SopInstanceUid,
    [property: JsonPropertyName("warning")] string Warning);
/// <summary>One object the study was extracted from, with its own modality, accession and device (the parts of a
/// PET/CT differ) and the accumulated values it reports: the device's own totals, kept apart from DoseWatch's sums.</summary>
public sealed record SourceObjectResponse
{
    [JsonPropertyName("sopInstanceUid")] public required string SopInstanceUid { get; init; }
    [JsonPropertyName("sopClassUid")] public required string SopClassUid { get; init; }
    [JsonPropertyName("modality")] public string? Modality { get; init; }
    [JsonPropertyName("accessionNumber")] public string? AccessionNumber { get; init; }
    [JsonPropertyName("manufacturer")] public string? Manufacturer { get; init; }
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("stationName")] public string? StationName { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("eventCount")] public int EventCount { get; init; }
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];
    [JsonPropertyName("reported")] public required ReportedTotalsResponse Reported { get; init; }
}

public sealed record ReportedTotalsResponse
{
    [JsonPropertyName("eventCount")] public double? EventCount { get; init; }
    [JsonPropertyName("dlpTotalMGyCm")] public double? DlpTotalMGyCm { get; init; }
    [JsonPropertyName("ctEffectiveDoseTotalMSv")] public double? CtEffectiveDoseTotalMSv { get; init; }
    [JsonPropertyName("dapTotalGyCm2")] public double? DapTotalGyCm2 { get; init; }
    [JsonPropertyName("doseRpTotalGy")] public double? DoseRpTotalGy { get; init; }
    [JsonPropertyName("fluoroDapTotalGyCm2")] public double? FluoroDapTotalGyCm2 { get; init; }
    [JsonPropertyName("fluoroDoseRpTotalGy")] public double? FluoroDoseRpTotalGy { get; init; }
    [JsonPropertyName("acquisitionDapTotalGyCm2")] public double? AcquisitionDapTotalGyCm2 { get; init; }
    [JsonPropertyName("acquisitionDoseRpTotalGy")] public double? AcquisitionDoseRpTotalGy { get; init; }
    [JsonPropertyName("fluoroTimeTotalS")] public double? FluoroTimeTotalS { get; init; }
    [JsonPropertyName("acquisitionTimeTotalS")] public double? AcquisitionTimeTotalS { get; init; }
    [JsonPropertyName("radiographicFrameCount")] public double? RadiographicFrameCount { get; init; }
    [JsonPropertyName("agdLeftBreastMGy")] public double? AgdLeftBreastMGy { get; init; }
    [JsonPropertyName("agdRightBreastMGy")] public double? AgdRightBreastMGy { get; init; }
    [JsonPropertyName("agdTotalMGy")] public double? AgdTotalMGy { get; init; }
}

public sealed record StudyListResponse(
    [property: JsonPropertyName("items")] IReadOnlyList<StudyResponse> Items,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("total")] long Total);
