using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>Which DICOM attribute a raw protocol name was read from.</summary>
public enum ProtocolNameSource
{
    /// <summary>Acquisition protocol of the irradiation event (TID 10013 125203, or (0018,1030) Protocol Name in headers).</summary>
    AcquisitionProtocol,
    /// <summary>(0008,1030) Study Description.</summary>
    StudyDescription,
    /// <summary>(0032,1060) Requested Procedure Description.</summary>
    RequestedProcedure,
}

/// <summary>
/// A standard protocol of the department, the name dashboards and rules speak of. <paramref name="ApprovedDeviceKeys"/>
/// empty means approved on every device; otherwise only on the devices listed (by <see cref="DeviceIdentity.Key"/>).
/// </summary>
public sealed record StandardProtocol(string Name, string? Modality, IReadOnlySet<string> ApprovedDeviceKeys)
{
    public bool IsApprovedOn(string deviceKey) => ApprovedDeviceKeys.Count == 0 || ApprovedDeviceKeys.Contains(deviceKey);
}

/// <summary>
/// A raw name as one device spells it, mapped to a standard protocol. <paramref name="DeviceKey"/> "" applies to every
/// device that has no mapping of its own. Raw names compare after <see cref="ProtocolNameSimilarity.Normalise"/>.
/// </summary>
public sealed record ProtocolMapping(string RawName, ProtocolNameSource Source, string DeviceKey, string StandardProtocol);

/// <summary>How one event's protocol was resolved.</summary>
public sealed record ProtocolResolution(string? RawName, ProtocolNameSource? Source, StandardProtocol? Standard)
{
    public bool IsMapped => Standard is not null;
}

/// <summary>The standard protocols and the mappings of raw names onto them: resolves events and suggests mappings.</summary>
public sealed class ProtocolCatalogue
{
    private readonly Dictionary<string, StandardProtocol> _standards;
    private readonly Dictionary<(string Normalised, ProtocolNameSource Source, string Device), string> _mappings = [];

    public ProtocolCatalogue(IEnumerable<StandardProtocol> standards, IEnumerable<ProtocolMapping> mappings)
    {
        _standards = standards.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var m in mappings)
            _mappings[(ProtocolNameSimilarity.Normalise(m.RawName), m.Source, m.DeviceKey)] = m.StandardProtocol;
    }

    public static readonly ProtocolCatalogue Empty = new([], []);

    /// <summary>
    /// Whether <paramref name="other"/> holds the same standard protocols (names, modalities, approved devices) and the same
    /// mappings: then a caller that loads the catalogue for every analysis can keep using this one, whose answers (and
    /// what analyses remember per catalogue) are already worked out.
    /// </summary>
    public bool HasSameContentAs(ProtocolCatalogue other) =>
        ReferenceEquals(this, other) ||
        (_mappings.Count == other._mappings.Count && _standards.Count == other._standards.Count
         && _mappings.All(m => other._mappings.TryGetValue(m.Key, out var standard) && string.Equals(standard, m.Value, StringComparison.Ordinal))
         && _standards.All(s => other._standards.TryGetValue(s.Key, out var o) && string.Equals(o.Name, s.Value.Name, StringComparison.Ordinal)
             && string.Equals(o.Modality, s.Value.Modality, StringComparison.Ordinal) && o.ApprovedDeviceKeys.SetEquals(s.Value.ApprovedDeviceKeys)));

    public IReadOnlyCollection<StandardProtocol> Standards => _standards.Values;

    public StandardProtocol? Find(string name) => _standards.GetValueOrDefault(name);

    /// <summary>
    /// The first mapped name wins, in this order: the event's acquisition protocol, the study description, the requested
    /// procedure; for each, the device's own mapping before the all-devices one. An unmapped event reports the first raw
    /// name it has, so the review queue can offer it.
    /// </summary>
    public ProtocolResolution Resolve(string deviceKey, string? acquisitionProtocol, string? studyDescription, string? requestedProcedure = null) =>
        // A catalogue never changes once built, and an analysis resolves the same few names for every event of a device's
        // history (hundreds of studies): each distinct question is answered once (issue #18: normalising the names was a
        // tenth of an analysis).
        _resolved.GetOrAdd((deviceKey, acquisitionProtocol, studyDescription, requestedProcedure),
            static (key, catalogue) => catalogue.ResolveOnce(key.DeviceKey, key.AcquisitionProtocol, key.StudyDescription, key.RequestedProcedure), this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string DeviceKey, string? AcquisitionProtocol, string? StudyDescription, string? RequestedProcedure), ProtocolResolution> _resolved = new();

    private ProtocolResolution ResolveOnce(string deviceKey, string? acquisitionProtocol, string? studyDescription, string? requestedProcedure)
    {
        (string? Raw, ProtocolNameSource Source)[] candidates =
        [
            (acquisitionProtocol, ProtocolNameSource.AcquisitionProtocol),
            (studyDescription, ProtocolNameSource.StudyDescription),
            (requestedProcedure, ProtocolNameSource.RequestedProcedure),
        ];
        foreach (var (raw, source) in candidates)
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var key = ProtocolNameSimilarity.Normalise(raw);
            if ((_mappings.GetValueOrDefault((key, source, deviceKey)) ?? _mappings.GetValueOrDefault((key, source, ""))) is { } name
                && Find(name) is { } standard)
                return new ProtocolResolution(raw, source, standard);
        }
        var first = candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Raw));
        return new ProtocolResolution(first.Raw, first.Raw is null ? null : first.Source, null);
    }

    public ProtocolResolution Resolve(Study study, IrradiationEvent ev) =>
        Resolve(study.Device.Key, ev.Protocol, study.StudyDescription);

    /// <summary>A study's protocol: the first diagnostic event whose name maps, else the first event's unmapped name.</summary>
    public ProtocolResolution ResolveStudy(string deviceKey, string? studyDescription, IEnumerable<IrradiationEvent> events)
    {
        var resolutions = events.Where(DoseEvents.IsDiagnostic).Select(e => Resolve(deviceKey, e.Protocol, studyDescription)).ToList();
        return resolutions.FirstOrDefault(r => r.IsMapped) ?? resolutions.FirstOrDefault() ?? Resolve(deviceKey, null, studyDescription);
    }

    /// <summary>Standard protocols ordered by similarity to <paramref name="rawName"/>, best first, those at or above <paramref name="minimumSimilarity"/>.</summary>
    public IReadOnlyList<ProtocolSuggestion> Suggest(string rawName, string? modality = null, int maximum = 3, double minimumSimilarity = 0.2) =>
        _standards.Values
            .Where(s => modality is null || s.Modality is null || string.Equals(s.Modality, modality, StringComparison.OrdinalIgnoreCase))
            .Select(s => new ProtocolSuggestion(s.Name, ProtocolNameSimilarity.Similarity(rawName, s.Name)))
            .Where(s => s.Similarity >= minimumSimilarity)
            .OrderByDescending(s => s.Similarity).ThenBy(s => s.StandardProtocol, StringComparer.Ordinal)
            .Take(maximum)
            .ToList();
}

public sealed record ProtocolSuggestion(string StandardProtocol, double Similarity);
