namespace DoseWatch.Core.Analysis;

/// <summary>A raw name seen on a device that maps to no standard protocol yet.</summary>
public sealed record UnmappedProtocolName(string RawName, ProtocolNameSource Source, string DeviceKey, string? Modality,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Occurrences);

/// <summary>One entry of the physicist's review queue: the unmapped name with the closest standard protocols.</summary>
public sealed record ProtocolReviewItem(UnmappedProtocolName Name, IReadOnlyList<ProtocolSuggestion> Suggestions)
{
    public ProtocolSuggestion? BestSuggestion => Suggestions.Count > 0 ? Suggestions[0] : null;
}

public static class ProtocolReviewQueue
{
    /// <summary>
    /// The queue, one entry per device and normalised name (the same name seen as acquisition protocol and as study
    /// description, or in other spellings, is one piece of work: studies summed, first and last sighting over all),
    /// most frequent first (mapping them covers most studies), then the most recent. Names that the catalogue maps
    /// meanwhile are left out.
    /// </summary>
    public static IReadOnlyList<ProtocolReviewItem> Build(ProtocolCatalogue catalogue, IEnumerable<UnmappedProtocolName> names) =>
        names
            .Where(n => !IsMapped(catalogue, n))
            .GroupBy(n => (n.DeviceKey, Name: ProtocolNameSimilarity.Normalise(n.RawName)))
            .Select(g => g.OrderByDescending(n => n.Occurrences).First() with
            {
                FirstSeen = g.Min(n => n.FirstSeen), LastSeen = g.Max(n => n.LastSeen), Occurrences = g.Sum(n => n.Occurrences),
            })
            .OrderByDescending(n => n.Occurrences).ThenByDescending(n => n.LastSeen).ThenBy(n => n.RawName, StringComparer.Ordinal)
            .Select(n => new ProtocolReviewItem(n, catalogue.Suggest(n.RawName, n.Modality)))
            .ToList();

    private static bool IsMapped(ProtocolCatalogue catalogue, UnmappedProtocolName n) => n.Source switch
    {
        ProtocolNameSource.AcquisitionProtocol => catalogue.Resolve(n.DeviceKey, n.RawName, null).IsMapped,
        ProtocolNameSource.StudyDescription => catalogue.Resolve(n.DeviceKey, null, n.RawName).IsMapped,
        _ => catalogue.Resolve(n.DeviceKey, null, null, n.RawName).IsMapped,
    };
}
