using DoseWatch.Core.Presentation;

namespace DoseWatch.Core.Tests.Presentation;

/// <summary>Issue #21: what people read instead of DICOM encodings, exponent notation and internal keys.</summary>
public sealed class DisplayTextFacts
{
    [Theory]
    [InlineData("082Y", "82 y")]
    [InlineData("006M", "6 mo")]
    [InlineData("003W", "3 wk")]
    [InlineData("010D", "10 d")]
    [InlineData("000Y", "0 y")]
    [InlineData(" 045Y ", "45 y")]
    [InlineData("45 years", "45 years")] // not an Age String: shown as sent, never dropped
    public void A_DICOM_age_string_reads_as_a_number_and_a_unit(string age, string expected) =>
        Assert.Equal(expected, DisplayText.PatientAge(age));

    [Fact]
    public void Without_an_age_string_the_age_in_years_is_shown_else_the_dash()
    {
        Assert.Equal("67 y", DisplayText.PatientAge(null, 67.9));
        Assert.Equal(DisplayText.Missing, DisplayText.PatientAge(null, null));
        Assert.Equal(DisplayText.Missing, DisplayText.PatientAge("  ", null));
    }

    [Theory]
    [InlineData(0.002919, "0.00292")]
    [InlineData(0.0000123456, "0.0000123")]
    [InlineData(-0.004561, "-0.00456")]
    [InlineData(0.0125, "0.013")]
    [InlineData(0.0, "0")]
    [InlineData(12.345, "12.35")]
    [InlineData(989.84, "989.8")]
    [InlineData(12345.6, "12,346")]
    public void Numbers_keep_sensible_figures_and_never_use_an_exponent(double value, string expected)
    {
        var text = DisplayText.Number(value);
        Assert.Equal(expected, text);
        Assert.DoesNotContain("E", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_quantity_carries_its_unit_and_a_missing_one_the_dash()
    {
        Assert.Equal("0.00292 mSv", DisplayText.Quantity(2.919E-3, "mSv"));
        Assert.Equal(DisplayText.Missing, DisplayText.Quantity(null, "mGy"));
        Assert.Equal(DisplayText.Missing, DisplayText.Number(double.NaN));
    }

    [Fact]
    public void Export_numbers_lose_the_binary_noise_of_sums_but_not_the_digits_a_device_wrote()
    {
        Assert.Equal(989.85, DisplayText.ExportNumber(989.8499999999999));
        Assert.Equal(0.3, DisplayText.ExportNumber(0.1 + 0.2));
        Assert.Equal(123.456789, DisplayText.ExportNumber(123.456789));
        Assert.Equal(2.919E-3, DisplayText.ExportNumber(2.919E-3));
    }

    [Theory]
    [InlineData("Fluorodeoxyglucose F^18^", "Fluorodeoxyglucose F-18")]
    [InlineData("^18^Fluorine", "Fluorine-18")]
    [InlineData("^99m^Technetium", "Technetium-99m")]
    [InlineData("Tc^99m^ Sestamibi", "Tc-99m Sestamibi")]
    [InlineData("Sestamibi", "Sestamibi")]
    public void Radiopharmaceutical_names_lose_the_caret_markup(string name, string expected) =>
        Assert.Equal(expected, DisplayText.Radiopharmaceutical(name));

    [Theory]
    [InlineData("STATIC FIELD:IEC_NORMAL; RF:IEC_NORMAL; GRADIENT:IEC_FIRST_LEVEL", "static field normal · RF normal · gradient first level")]
    [InlineData("IEC_SECOND_LEVEL", "second level")]
    [InlineData("RF:IEC_FIRST_LEVEL", "RF first level")]
    public void MR_operating_modes_read_in_words(string mode, string expected)
    {
        var text = DisplayText.MrOperatingMode(mode);
        Assert.Equal(expected, text);
        Assert.DoesNotContain("IEC_", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_is_named_by_its_display_name_else_station_model_manufacturer_never_its_key()
    {
        Assert.Equal("CT room 2", DisplayText.DeviceName("CT_STATION", "Revolution", "GE", displayName: "CT room 2"));
        Assert.Equal("CT_STATION · Revolution · GE", DisplayText.DeviceName("CT_STATION", "Revolution", "GE"));
        Assert.Equal("Revolution · GE", DisplayText.DeviceName(" ", "Revolution", "GE"));
        Assert.Equal("Unknown device", DisplayText.DeviceName(null, null, null));
        Assert.Equal("head", DisplayText.MrSarDefinition("IEC_HEAD"));
        Assert.Equal("whole body (assumed)", DisplayText.MrSarDefinition(null));
    }
}
