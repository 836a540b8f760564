using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Which UK CT DRL row a study or sequence maps to: names of clinical-indication rows first, then target regions (SCT or legacy SRT codes).</summary>
public sealed class NationalDrlCategoryFacts
{
    private static IrradiationEvent Ct(string? protocol, ConceptCode? region, bool localizer = false) => new()
    {
        EventUid = Guid.NewGuid().ToString(), Source = DoseSourceKind.CtRdsr, Protocol = protocol, TargetRegion = region,
        AcquisitionType = localizer ? new ConceptCode("113805", "DCM") : new ConceptCode("116152004", "SCT"),
    };

    private static readonly ConceptCode Head = new("69536005", "SCT"), Chest = new("51185008", "SCT"), Abdomen = new("113345001", "SCT"),
        Pelvis = new("12921003", "SCT"), LegacyChest = new("T-D3000", "SRT"), Knee = new("72696002", "SCT");

    [Theory]
    [InlineData("CT SINUS", "Paranasal sinuses")]
    [InlineData("CTPA", "CT pulmonary angiography (PE)")]
    [InlineData("CT KUB low dose", "Kidneys-ureters-bladder (stones)")]
    [InlineData("HRCT chest", "Chest high resolution (ILD), helical")]
    [InlineData("C-Spine trauma", "Cervical spine (fracture)")]
    public void Names_of_indication_rows_win_over_regions(string description, string row) =>
        Assert.Equal(row, NationalDrlCategory.OfStudy(description, [Ct("Spiral", Chest)]));

    [Fact]
    public void Regions_map_to_the_routine_row_of_their_anatomy_and_unknown_anatomy_to_none()
    {
        Assert.Equal("Head (acute stroke)", NationalDrlCategory.OfStudy("HEAD", [Ct("Topogram", Head, localizer: true), Ct("Head", Head)]));
        Assert.Equal("Chest (lung cancer)", NationalDrlCategory.OfStudy("Thorax", [Ct("4DCT", LegacyChest)]));
        Assert.Equal("Chest, abdomen, pelvis (cancer)", NationalDrlCategory.OfStudy(null, [Ct("a", Chest), Ct("b", Abdomen), Ct("c", Pelvis)]));
        Assert.Equal("Abdomen + pelvis (abscess)", NationalDrlCategory.OfStudy(null, [Ct("a", Abdomen)]));
        Assert.Null(NationalDrlCategory.OfStudy(null, [Ct("a", Knee)]));
        Assert.Null(NationalDrlCategory.OfStudy(null, [Ct("a", Chest), Ct("b", Knee)]));
        Assert.Null(NationalDrlCategory.OfStudy(null, [Ct("a", null)]));
        // A sequence is judged by its own region: the chest sequence of a chest-abdomen study takes the chest row.
        Assert.Equal("Chest (lung cancer)", NationalDrlCategory.OfEvent(null, Ct("a", Chest)));
    }

    [Theory]
    [InlineData("CT HEAD ROUTINE", "Head (acute stroke)")]
    [InlineData("Thorax 1.5mm", "Chest (lung cancer)")]
    [InlineData("CT CHEST ABDOMEN PELVIS", "Chest, abdomen, pelvis (cancer)")]
    [InlineData("CAP", "Chest, abdomen, pelvis (cancer)")]
    [InlineData("CT ABDOMEN PELVIS", "Abdomen + pelvis (abscess)")]
    [InlineData("CTPA", "CT pulmonary angiography (PE)")]
    [InlineData("Knee", null)]
    [InlineData("Cardiac CTA", null)]
    public void A_protocol_name_alone_maps_by_the_anatomy_it_spells(string name, string? row) => Assert.Equal(row, NationalDrlCategory.OfName(name));
}
