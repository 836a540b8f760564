using DoseWatch.Core.Analysis;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

public sealed class ProtocolMappingFacts
{
    [Theory]
    [InlineData("CHEST_ABD-PEL 5mm", "chest abdomen pelvis")] // punctuation → space, 5 mm dropped, abd/pel expanded
    [InlineData("1.1 Head Routine", "head")]                  // sequence number and "routine" dropped
    [InlineData("C-Spine", "c spine")]                        // a hyphen splits; "c" alone is not expanded (ambiguous)
    [InlineData("CSpine2", "cervical spine")]                 // letter/digit boundary, then the abbreviation
    [InlineData("  ", "")]
    public void Normalisation(string raw, string expected) => Assert.Equal(expected, ProtocolNameSimilarity.Normalise(raw));

    [Fact]
    public void Similarity_is_the_mean_of_token_and_trigram_jaccard()
    {
        Assert.Equal(1, ProtocolNameSimilarity.Similarity("CHEST", "chest."), 12);
        // tokens {chest, abdomen} vs {chest}: 1/2.
        // trigrams of " chest ": " ch" "che" "hes" "est" "st " (5); of " chest abdomen ": those 5 and "t a" " ab" "abd"
        // "bdo" "dom" "ome" "men" "en " (13): intersection 5, union 13.
        Assert.Equal((1.0 / 2 + 5.0 / 13) / 2, ProtocolNameSimilarity.Similarity("Chest Abdo", "chest"), 12);
        // " head " and " chest " share no token and no trigram.
        Assert.Equal(0, ProtocolNameSimilarity.Similarity("head", "chest"), 12);
    }

    /// <summary>
    /// The analysis keeps its last catalogue while a freshly loaded one has the same content (issue #18): any edit a
    /// physicist can make (a mapping added, retargeted or removed, a protocol renamed, its modality or approved devices
    /// changed) must make them differ, or the edit would not reach the next analysis.
    /// </summary>
    [Fact]
    public void A_catalogue_is_the_same_as_another_only_when_no_edit_separates_them()
    {
        static ProtocolCatalogue Catalogue(string chest = "Chest", string? modality = "CT", string[]? approved = null, ProtocolMapping[]? mappings = null) => new(
            [new StandardProtocol(chest, modality, new HashSet<string>(approved ?? [])), new StandardProtocol("Abdomen", "CT", new HashSet<string>())],
            mappings ?? [new ProtocolMapping("Thorax", ProtocolNameSource.AcquisitionProtocol, "", chest), new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen")]);
        var loaded = Catalogue();
        Assert.True(loaded.HasSameContentAs(Catalogue()));
        Assert.True(Catalogue(mappings: [new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen"), new ProtocolMapping("THORAX", ProtocolNameSource.AcquisitionProtocol, "", "Chest")])
            .HasSameContentAs(loaded)); // order and the raw name's spelling within one normalised name do not matter
        ProtocolCatalogue[] edited =
        [
            Catalogue(chest: "Chest routine"),
            Catalogue(chest: "CHEST"),
            Catalogue(modality: null),
            Catalogue(approved: [Scanner.Key]),
            Catalogue(mappings: [new ProtocolMapping("Thorax", ProtocolNameSource.AcquisitionProtocol, "", "Abdomen"), new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen")]),
            Catalogue(mappings: [new ProtocolMapping("Thorax", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "Chest"), new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen")]),
            Catalogue(mappings: [new ProtocolMapping("Thorax", ProtocolNameSource.StudyDescription, "", "Chest"), new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen")]),
            Catalogue(mappings: [new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen")]),
            new ProtocolCatalogue([new StandardProtocol("Chest", "CT", new HashSet<string>())], [new ProtocolMapping("Thorax", ProtocolNameSource.AcquisitionProtocol, "", "Chest")]),
        ];
        Assert.All(edited, e => Assert.False(loaded.HasSameContentAs(e)));
        Assert.All(edited, e => Assert.False(e.HasSameContentAs(loaded)));
    }

    [Fact]
    public void The_device_mapping_wins_over_the_all_devices_one_and_the_acquisition_protocol_over_the_description()
    {
        var catalogue = new ProtocolCatalogue(
            [new StandardProtocol("Chest", "CT", new HashSet<string>()), new StandardProtocol("Chest HR", "CT", new HashSet<string>()), new StandardProtocol("Abdomen", "CT", new HashSet<string>())],
            [new ProtocolMapping("Thorax", ProtocolNameSource.AcquisitionProtocol, "", "Chest"),
             new ProtocolMapping("THORAX", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "Chest HR"),
             new ProtocolMapping("CT ABDOMEN", ProtocolNameSource.StudyDescription, "", "Abdomen")]);

        Assert.Equal("Chest HR", catalogue.Resolve(Scanner.Key, "thorax", "CT abdomen").Standard?.Name);
        Assert.Equal("Chest", catalogue.Resolve(OtherScanner.Key, "Thorax", "CT abdomen").Standard?.Name);
        var byDescription = catalogue.Resolve(Scanner.Key, "Something new", "CT Abdomen");
        Assert.Equal(("Abdomen", ProtocolNameSource.StudyDescription), (byDescription.Standard?.Name, byDescription.Source));
        var unmapped = catalogue.Resolve(Scanner.Key, "Something new", "Other");
        Assert.Equal(("Something new", ProtocolNameSource.AcquisitionProtocol, false), (unmapped.RawName, unmapped.Source, unmapped.IsMapped));
    }

    [Fact]
    public void Review_queue_offers_unmapped_names_most_frequent_first_with_the_closest_standard_protocol()
    {
        var catalogue = ChestCatalogue();
        var t = DateTimeOffset.UnixEpoch;
        var queue = ProtocolReviewQueue.Build(catalogue,
        [
            new UnmappedProtocolName("HEAD W/O", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "CT", t, t, 3),
            new UnmappedProtocolName("Thorax chest 2", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "CT", t, t, 9),
            new UnmappedProtocolName("Chest routine", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "CT", t, t, 50), // mapped meanwhile
        ]);
        Assert.Equal(["Thorax chest 2", "HEAD W/O"], queue.Select(q => q.Name.RawName));
        Assert.Equal("Chest", queue[0].BestSuggestion?.StandardProtocol);
        Assert.Equal("Head", queue[1].BestSuggestion?.StandardProtocol);
        Assert.Equal(ProtocolNameSimilarity.Similarity("Thorax chest 2", "Chest"), queue[0].BestSuggestion!.Similarity, 12);
    }
}
