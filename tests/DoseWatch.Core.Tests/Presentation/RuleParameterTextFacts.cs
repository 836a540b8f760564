using DoseWatch.Core.Presentation;

namespace DoseWatch.Core.Tests.Presentation;

/// <summary>The rules table's parameters in words: no parameter key or internal value name is left in the text.</summary>
public sealed class RuleParameterTextFacts
{
    [Theory]
    [InlineData("check=kvp;minimumSampleSize=20", "Checks the tube voltage (kVp) · history of at least 20 studies")]
    [InlineData("quantity=doserp;windowDays=84", "Judges dose at the reference point · added up over 84 days")]
    [InlineData("source=national;country=uk;examination=CT Head;medianOfStudies=20", "National DRL · country UK · examination CT Head · median of the device's latest 20 studies")]
    [InlineData("source=local;percentile=75;quantity=dlp", "Judges DLP · Local DRL · 75th percentile of the history")]
    [InlineData("table=fluoro-srdl;quantity=fluorotime", "Judges fluoroscopy time · Table: substantial radiation dose levels (SIR/NCRP 168)")]
    [InlineData("part=any", "Dose Check notifications and alerts")]
    [InlineData("percentile=92", "92nd percentile of the history")]
    [InlineData("percentile=11", "11th percentile of the history")]
    [InlineData("", "–")]
    public void Known_parameters_read_as_phrases(string parameters, string expected) =>
        Assert.Equal(expected, RuleParameterText.Describe(Parse(parameters)));

    [Fact]
    public void A_parameter_the_table_does_not_know_is_shown_rather_than_hidden() =>
        Assert.Equal("Checks the pitch factor · futureSetting 3", RuleParameterText.Describe(Parse("futureSetting=3;check=pitch")));

    [Fact]
    public void No_seeded_key_survives_into_the_text()
    {
        var text = RuleParameterText.Describe(Parse("check=event-count;minimumSampleSize=20;quantity=mechanicalIndex;table=us-mi;windowDays=84;medianOfStudies=20"));
        foreach (var key in new[] { "minimumSampleSize", "windowDays", "medianOfStudies", "event-count", "mechanicalIndex", "us-mi", "=" })
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Parse(string parameters) =>
        parameters.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Theory]
    [InlineData("Gy.cm2", "Gy·cm²")]
    [InlineData("mGy.cm", "mGy·cm")]
    [InlineData("W/kg", "W/kg")]
    [InlineData("1", "")]
    [InlineData("mGy", "mGy")]
    public void Ucum_units_are_written_as_people_write_them(string ucum, string expected) => Assert.Equal(expected, DisplayText.Unit(ucum));
}
