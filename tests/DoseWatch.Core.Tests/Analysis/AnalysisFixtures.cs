using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Small hand-made studies, events and rules for the analysis facts.</summary>
internal static class AnalysisFixtures
{
    public static readonly DeviceIdentity Scanner = new("ACME", "CT 9000", "CT1", "SN1", null);
    public static readonly DeviceIdentity OtherScanner = new("ACME", "CT 9000", "CT2", "SN2", null);
    public static readonly ConceptCode Head = new("69536005", "SCT", "Head");
    public static readonly ConceptCode Chest = new("51185008", "SCT", "Chest");
    public static readonly ConceptCode Helical = new("116152004", "SCT", "Spiral Acquisition");

    public static Study Study(string uid, string modality = "CT", DeviceIdentity? device = null, DateOnly? date = null, double? ageYears = 50, string? description = null) =>
        new(uid, null, date ?? new DateOnly(2026, 1, 10), null, modality, description,
            new PatientCharacteristics(null, ageYears, null, null, null), device ?? Scanner);

    public static IrradiationEvent CtEvent(string uid, string? protocol = "Chest routine", double? ctdiVol = 10, double? dlp = 300,
        double? kvp = 120, double? pitch = 1.0, double? collimation = 40, ConceptCode? region = null, CtdiPhantom? phantom = CtdiPhantom.Body32) =>
        new()
        {
            EventUid = uid,
            Source = DoseSourceKind.CtRdsr,
            Protocol = protocol,
            AcquisitionType = Helical,
            TargetRegion = region ?? Chest,
            CtdiVolMGy = ctdiVol,
            DlpMGyCm = dlp,
            Phantom = phantom,
            PitchFactor = pitch,
            NominalTotalCollimationMm = collimation,
            XRaySources = kvp is { } k ? [new XRaySourceParameters("A", k, 200, null, 0.5)] : [],
        };

    public static Rule Rule(RuleType type, double? threshold = null, RuleScope? scope = null, params (string Key, string Value)[] parameters) =>
        new(1, type.ToWire(), type, scope ?? RuleScope.Everywhere, threshold, null, parameters.ToDictionary(p => p.Key, p => p.Value));

    public static ProtocolCatalogue ChestCatalogue(params string[] approvedDevices) => new(
        [new StandardProtocol("Chest", "CT", approvedDevices.ToHashSet()), new StandardProtocol("Head", "CT", new HashSet<string>())],
        [new ProtocolMapping("Chest routine", ProtocolNameSource.AcquisitionProtocol, "", "Chest"),
         new ProtocolMapping("Head routine", ProtocolNameSource.AcquisitionProtocol, "", "Head")]);

    /// <summary>Earlier one-event studies of "Chest routine" on <see cref="Scanner"/> with the given CTDIvol values.</summary>
    public static IReadOnlyList<HistoricalStudy> ChestHistory(IEnumerable<double> ctdiVols, Func<int, double, IrradiationEvent>? make = null) =>
        ctdiVols.Select((c, i) => new HistoricalStudy($"1.2.9.{i}", new DateOnly(2025, 12, 1), null,
            [make?.Invoke(i, c) ?? CtEvent($"1.2.9.{i}.1", ctdiVol: c, dlp: c * 30)])).ToList();
}
