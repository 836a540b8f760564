using System.Globalization;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Presentation;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Components.Pages.Studies;

/// <summary>
/// Dose values for people (numbers by <see cref="DisplayText"/>): the canonical stored unit (mGy, mGy·cm, Gy·cm², Gy, MBq, W/kg) with a precision that suits
/// the magnitude, and the unit always beside the number. The headline dose of a study is the quantity its modality is
/// judged by (DLP for CT, DAP for projection X-ray, AGD for mammography).
/// </summary>
public static class DoseUnits
{
    public static string Number(double? value) => DisplayText.Number(value);

    public static string WithUnit(double? value, string unit) => DisplayText.Quantity(value, unit);

    /// <summary>A skin or reference point dose stored in Gy: in mGy below 0.1 Gy (a diagnostic fluoroscopy's skin dose), in Gy above.</summary>
    public static string Gray(double? gy) => gy switch
    {
        null => "–",
        { } v when Math.Abs(v) < 0.1 => $"{Number(v * 1000)} mGy",
        { } v => $"{Number(v)} Gy",
    };

    /// <summary>The study's headline dose from its totals, with label and unit; null when the modality has none or it was not reported.</summary>
    public static (string Label, double Value, string Unit)? Headline(string? modality, StudyTotals totals)
    {
        var q = HeadlineDose.For(modality);
        var value = HeadlineDose.Of(modality, totals);
        return q is not null && value is { } v ? (q.Label, v, q.Unit) : null;
    }
}
