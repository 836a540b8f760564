using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// Which row of a national CT DRL table (<see cref="NationalDrlTable.UnitedKingdom2022"/>'s examination names) a CT study
/// or event belongs to, so that national DRLs apply without a physicist choosing a row per protocol. Names first (an
/// examination the table lists by clinical indication: sinuses, CTPA, KUB, urogram, colonography, cervical spine,
/// high-resolution chest), then the target regions (CID 4030) of the diagnostic events; null where neither is clear, and
/// then no DRL applies. Regions map to the table's routine row for that anatomy: head to "Head (acute stroke)", chest to
/// "Chest (lung cancer)", abdomen and/or pelvis to "Abdomen + pelvis (abscess)", chest and abdomen to "Chest + abdomen",
/// chest-abdomen-pelvis to "Chest, abdomen, pelvis (cancer)", with the neck as well to the neck-to-pelvis row.
/// </summary>
public static class NationalDrlCategory
{
    private const string Head = "69536005", Chest = "51185008", Abdomen = "113345001", Pelvis = "12921003", ChestAbdomenPelvis = "416775004", Neck = "45048000";

    private static readonly (string[] Words, string Examination)[] ByName =
    [
        (["sinus", "sinuses", "paranasal"], "Paranasal sinuses"),
        (["ctpa", "pulmonary angiography", "pulmonary angiogram", "pe"], "CT pulmonary angiography (PE)"),
        (["kub", "kidneys ureters bladder", "renal colic", "stone", "stones"], "Kidneys-ureters-bladder (stones)"),
        (["urogram", "urography"], "Urogram"),
        (["colonography", "colonoscopy", "colon"], "Virtual colonoscopy"),
        (["cervical spine", "c spine"], "Cervical spine (fracture)"),
        (["hrct", "high resolution", "ild"], "Chest high resolution (ILD), helical"),
    ];

    /// <summary>The row for a whole study (DLP per examination): its names, else the union of its diagnostic events' regions.</summary>
    public static string? OfStudy(string? studyDescription, IEnumerable<IrradiationEvent> events)
    {
        var diagnostic = events.Where(DoseEvents.IsDiagnostic).ToList();
        return FromNames([studyDescription, .. diagnostic.Select(e => e.Protocol)])
            ?? FromRegions(diagnostic.Select(e => e.TargetRegion).OfType<ConceptCode>().Select(Code).ToHashSet());
    }

    /// <summary>The row for one event (CTDIvol per sequence): the study's names, else the event's own region.</summary>
    public static string? OfEvent(string? studyDescription, IrradiationEvent ev) =>
        FromNames([studyDescription, ev.Protocol]) ?? (ev.TargetRegion is { } r ? FromRegions(new HashSet<string> { Code(r) }) : null);

    /// <summary>
    /// The row for a protocol name alone (dashboards, which group events by name): an indication row's words, else the
    /// anatomy the name spells (head/brain, neck, chest/thorax, abdomen, pelvis); null when it spells none or another.
    /// </summary>
    public static string? OfName(string? protocolName)
    {
        if (FromNames([protocolName]) is { } row) return row;
        var words = ProtocolNameSimilarity.Normalise(protocolName).Split(' ').ToHashSet(StringComparer.Ordinal);
        var regions = new HashSet<string>(StringComparer.Ordinal);
        if (words.Contains("head") || words.Contains("brain")) regions.Add(Head);
        if (words.Contains("neck")) regions.Add(Neck);
        if (words.Contains("chest") || words.Contains("thorax")) regions.Add(Chest);
        if (words.Contains("abdomen")) regions.Add(Abdomen);
        if (words.Contains("pelvis")) regions.Add(Pelvis);
        return FromRegions(regions);
    }

    private static string Code(ConceptCode region) => Extraction.Sr.DoseCodes.Normalise(region).Value;

    private static string? FromNames(IEnumerable<string?> names)
    {
        foreach (var name in names)
            if (FromName(name) is { } examination) return examination;
        return null;
    }

    /// <summary>
    /// The indication row one name spells, remembered per name: every analysis classifies its device's whole history
    /// (the national DRL median rule, issue #18), and a site has a few hundred names. Emptied when it holds more names than
    /// a site could have, as <see cref="ProtocolNameSimilarity.Normalise"/>'s memory is.
    /// </summary>
    private static string? FromName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        if (ByNameRemembered.TryGetValue(name, out var known)) return known;
        if (ByNameRemembered.Count >= 50_000) ByNameRemembered.Clear();
        var text = " " + ProtocolNameSimilarity.Normalise(name) + " ";
        string? found = null;
        foreach (var (words, examination) in ByName)
            if (words.Any(w => text.Contains(" " + w + " ", StringComparison.Ordinal)))
            {
                found = examination;
                break;
            }
        return ByNameRemembered[name] = found;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> ByNameRemembered = new(StringComparer.Ordinal);

    private static string? FromRegions(IReadOnlySet<string> regions)
    {
        if (regions.Count == 0) return null;
        var chest = regions.Contains(Chest) || regions.Contains(ChestAbdomenPelvis);
        var abdomen = regions.Contains(Abdomen) || regions.Contains(ChestAbdomenPelvis);
        var pelvis = regions.Contains(Pelvis) || regions.Contains(ChestAbdomenPelvis);
        var neck = regions.Contains(Neck);
        var head = regions.Contains(Head);
        var known = regions.All(r => r is Head or Chest or Abdomen or Pelvis or ChestAbdomenPelvis or Neck);
        if (!known) return null; // a region the table has no routine row for (knee, heart, entire body…): no DRL rather than a wrong one
        return (head, neck, chest, abdomen, pelvis) switch
        {
            (true, false, false, false, false) => "Head (acute stroke)",
            (false, true, true, true, true) => "Neck, chest, abdomen, pelvis (cancer)",
            (false, false, true, true, true) => "Chest, abdomen, pelvis (cancer)",
            (false, false, true, true, false) => "Chest + abdomen (lung cancer)",
            (false, false, true, false, false) => "Chest (lung cancer)",
            (false, false, false, true, _) or (false, false, false, _, true) => "Abdomen + pelvis (abscess)",
            _ => null,
        };
    }
}
