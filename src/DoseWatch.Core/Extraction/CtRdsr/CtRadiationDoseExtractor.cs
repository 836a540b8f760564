using DoseWatch.Core.Derived;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.CtRdsr;

/// <summary>
/// CT Radiation Dose report, TID 10011: accumulated dose (TID 10012) and one event per CT Acquisition (TID 10013),
/// with the CT Dose Check details (TID 10015). Also reads GE dose reports sent as Enhanced SR, which carry the same tree.
/// Values are found by concept anywhere below their container, because vendors nest them inconsistently.
/// </summary>
public static class CtRadiationDoseExtractor
{
    public static ExtractionResult Extract(DicomDataSet ds, SrItem root, ExtractionContext context)
    {
        var study = StudyReader.Read(ds, root, context, "CT");
        var sopInstance = HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "";
        var events = root.Descendants(DoseCodes.CtAcquisition)
            .Select((acquisition, index) => ReadEvent(acquisition, index, sopInstance, study, context))
            .ToList();
        var accumulated = root.Descendant(DoseCodes.CtAccumulatedDoseData) is { } acc
            ? new AccumulatedDose
            {
                ReportedEventCount = context.Num(acc.Descendant(DoseCodes.TotalNumberOfIrradiationEvents), CanonicalUnits.Dimensionless, "CT Accumulated Dose Data › Total Number of Irradiation Events"),
                DlpTotalMGyCm = context.Num(acc.Descendant(DoseCodes.CtDoseLengthProductTotal), CanonicalUnits.MilliGrayCentimetre, "CT Accumulated Dose Data › CT Dose Length Product Total"),
                CtEffectiveDoseTotalMSv = context.Num(acc.Descendant(DoseCodes.CtEffectiveDoseTotal), CanonicalUnits.MilliSievert, "CT Accumulated Dose Data › CT Effective Dose Total"),
            }
            : AccumulatedDose.None;
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, events, accumulated, context.Warnings, context.AppliedFixes);
    }

    private static IrradiationEvent ReadEvent(SrItem acquisition, int index, string sopInstance, Study? study, ExtractionContext context)
    {
        var where = $"CT Acquisition #{index + 1}";
        var uid = (acquisition.Child(DoseCodes.IrradiationEventUid) ?? acquisition.Child(DoseCodes.IrradiationEventUidRetired))?.UidValue;
        if (string.IsNullOrEmpty(uid))
        {
            context.Warn(where, "no Irradiation Event UID: keyed by the report's SOP Instance UID and position");
            uid = $"{sopInstance}#{index + 1}";
        }
        var sources = acquisition.Descendants(DoseCodes.CtXRaySourceParameters)
            .Select((s, i) => new XRaySourceParameters(
                s.Child(DoseCodes.IdentificationOfTheXRaySource)?.Text,
                context.Num(s.Child(DoseCodes.Kvp), CanonicalUnits.KiloVolt, $"{where} › X-Ray Source {i + 1} › KVP"),
                context.Num(s.Child(DoseCodes.XRayTubeCurrent), CanonicalUnits.MilliAmpere, $"{where} › X-Ray Source {i + 1} › X-Ray Tube Current"),
                context.Num(s.Child(DoseCodes.MaximumXRayTubeCurrent), CanonicalUnits.MilliAmpere, $"{where} › X-Ray Source {i + 1} › Maximum X-Ray Tube Current"),
                context.Num(s.Child(DoseCodes.ExposureTimePerRotation), CanonicalUnits.Second, $"{where} › X-Ray Source {i + 1} › Exposure Time per Rotation")))
            .ToList();
        var dose = acquisition.Descendant(DoseCodes.CtDose);
        var phantom = dose?.Descendant(DoseCodes.CtdiwPhantomType)?.CodeValueItem switch
        {
            { } c when DoseCodes.Same(c, DoseCodes.IecHeadDosimetryPhantom) => CtdiPhantom.Head16,
            { } c when DoseCodes.Same(c, DoseCodes.IecBodyDosimetryPhantom) => CtdiPhantom.Body32,
            _ => (CtdiPhantom?)null,
        };
        var ev = new IrradiationEvent
        {
            EventUid = uid,
            Source = DoseSourceKind.CtRdsr,
            StartedAt = context.Instant(acquisition.Child(DoseCodes.DateTimeStarted)?.DateTimeValue),
            Protocol = acquisition.Child(DoseCodes.AcquisitionProtocol)?.Text,
            TargetRegion = acquisition.Child(DoseCodes.TargetRegion)?.CodeValueItem,
            AcquisitionType = acquisition.Child(DoseCodes.CtAcquisitionType)?.CodeValueItem,
            ExposureTimeS = context.Num(acquisition.Descendant(DoseCodes.ExposureTime), CanonicalUnits.Second, $"{where} › Exposure Time"),
            ScanLengthMm = context.Num(acquisition.Descendant(DoseCodes.ScanningLength), CanonicalUnits.Millimetre, $"{where} › Scanning Length"),
            NominalSingleCollimationMm = context.Num(acquisition.Descendant(DoseCodes.NominalSingleCollimationWidth), CanonicalUnits.Millimetre, $"{where} › Nominal Single Collimation Width"),
            NominalTotalCollimationMm = context.Num(acquisition.Descendant(DoseCodes.NominalTotalCollimationWidth), CanonicalUnits.Millimetre, $"{where} › Nominal Total Collimation Width"),
            PitchFactor = context.Num(acquisition.Descendant(DoseCodes.PitchFactor), CanonicalUnits.Dimensionless, $"{where} › Pitch Factor"),
            XRaySources = sources,
            Kvp = sources.FirstOrDefault()?.Kvp,
            TubeCurrentMA = sources.FirstOrDefault()?.TubeCurrentMA,
            CtdiVolMGy = context.Num(dose?.Descendant(DoseCodes.MeanCtdiVol), CanonicalUnits.MilliGray, $"{where} › Mean CTDIvol"),
            Phantom = phantom,
            DlpMGyCm = context.Num(dose?.Descendant(DoseCodes.Dlp), CanonicalUnits.MilliGrayCentimetre, $"{where} › DLP"),
            SsdeMGy = context.Num(dose?.Descendant(DoseCodes.SizeSpecificDoseEstimation), CanonicalUnits.MilliGray, $"{where} › Size Specific Dose Estimate"),
            WaterEquivalentDiameterMm = context.Num(acquisition.Descendant(DoseCodes.WaterEquivalentDiameter), CanonicalUnits.Millimetre, $"{where} › Water Equivalent Diameter"),
            EffectiveDiameterMm = context.Num(acquisition.Descendant(DoseCodes.DerivedEffectiveDiameter), CanonicalUnits.Millimetre, $"{where} › Derived Effective Diameter"),
            DoseCheck = CtDoseCheckReader.Read(acquisition, where, context),
            ProcedureContext = acquisition.Descendant(DoseCodes.ProcedureContext) is { } procedureContext ? procedureContext.CodeValueItem?.Meaning ?? procedureContext.Text : null,
            ReportedEffectiveDoseMSv = context.Num(dose?.Descendant(DoseCodes.EffectiveDose), CanonicalUnits.MilliSievert, $"{where} › Effective Dose"),
        };
        RequireDoseValues(acquisition, dose, where, context);
        return ev with { Estimates = CtEstimates.For(ev, study) };
    }

    /// <summary>
    /// TID 10013/10014: an acquisition other than a localizer (Constant Angle Acquisition) has a CT Dose container, and
    /// CT Dose has Mean CTDIvol and DLP (both mandatory). A report without them is still extracted, but says so: the
    /// event silently dropped out of every CTDIvol or DLP statistic otherwise.
    /// </summary>
    private static void RequireDoseValues(SrItem acquisition, SrItem? dose, string where, ExtractionContext context)
    {
        var localizer = DoseCodes.Same(acquisition.Child(DoseCodes.CtAcquisitionType)?.CodeValueItem, DoseCodes.ConstantAngleAcquisition);
        if (dose is null)
        {
            if (!localizer) context.Warn(where, "required value missing: CT Dose (113829), so no CTDIvol or DLP for this acquisition (TID 10013)");
            return;
        }
        if (dose.Descendant(DoseCodes.MeanCtdiVol) is null)
            context.Warn(where, "required value missing: Mean CTDIvol (113830); the acquisition is left out of CTDIvol statistics (TID 10014)");
        if (dose.Descendant(DoseCodes.Dlp) is null)
            context.Warn(where, "required value missing: DLP (113838); the acquisition is left out of DLP statistics (TID 10014)");
    }
}

/// <summary>The derived values DoseWatch adds to a CT event, each labelled with its method.</summary>
public static class CtEstimates
{
    public static IReadOnlyList<DerivedEstimate> For(IrradiationEvent ct, Study? study)
    {
        var list = new List<DerivedEstimate>(2);
        if (SizeSpecificDoseEstimate.Estimate(ct) is { } ssde) list.Add(ssde);
        if (EffectiveDoseFromDlp.Estimate(ct, study?.Patient.AgeYears) is { } e) list.Add(e);
        return list;
    }
}
