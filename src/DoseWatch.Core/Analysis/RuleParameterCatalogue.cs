using System.Globalization;

namespace DoseWatch.Core.Analysis;

/// <summary>How a rule parameter is asked for: one of listed values, a whole number, a decimal number or free text.</summary>
public enum RuleParameterKind
{
    Choice,
    WholeNumber,
    Decimal,
    Text,
}

/// <summary>A value a choice parameter accepts (as stored) and what it means in words.</summary>
public sealed record RuleParameterChoice(string Value, string Words);

/// <summary>
/// One parameter a rule type reads (<see cref="RuleParameters"/>), described for a person: its label, what values it
/// takes and what an empty value means. <see cref="Default"/> is what the analysis uses when the rule does not set it.
/// </summary>
public sealed record RuleParameterDefinition(string Key, string Label, RuleParameterKind Kind)
{
    public IReadOnlyList<RuleParameterChoice> Choices { get; init; } = [];

    /// <summary>Dose quantities are matched ignoring case by <see cref="DoseQuantity.Parse"/>; the other choices exactly, as the analysis switches on them.</summary>
    public bool ChoiceIgnoresCase { get; init; }

    public string? Default { get; init; }
    public bool Required { get; init; }

    /// <summary>Whole numbers: the smallest allowed. Decimals: the open interval (<see cref="Minimum"/>, <see cref="Maximum"/>).</summary>
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }

    /// <summary>One short sentence for the editor: what the parameter changes and for which variant of the rule.</summary>
    public string Hint { get; init; } = "";

    /// <summary>What leaving the parameter empty means, when it is not "the usual value" (<see cref="Default"/>).</summary>
    public string? EmptyMeans { get; init; }

    /// <summary>An empty field in words, for the editor's empty choice and placeholder: "usual: 20", "each study on its own".</summary>
    public string EmptyText => EmptyMeans ?? (Default is { } d ? "usual: " + Words(d) : "none");

    /// <summary>How the rules table phrases a set value ("Checks the pitch factor").</summary>
    internal Func<RuleParameterDefinition, string, string> Phrase { get; init; } = (_, value) => value;

    public RuleParameterChoice? Choice(string? value) =>
        value is null ? null : Choices.FirstOrDefault(c => string.Equals(c.Value, value.Trim(), ChoiceIgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    /// <summary>A value in words: the choice's words (ignoring case, as a description never refuses), else the value itself.</summary>
    public string Words(string value) =>
        Choices.FirstOrDefault(c => string.Equals(c.Value, value.Trim(), StringComparison.OrdinalIgnoreCase))?.Words ?? value.Trim();

    /// <summary>The rules table's phrase for a set value.</summary>
    public string Describe(string value) => Phrase(this, value.Trim());

    /// <summary>What is wrong with a value, in words; null when it can be stored (empty is fine unless <see cref="Required"/>).</summary>
    public string? Problem(string? value)
    {
        var v = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (v is null) return Required ? $"{Label}: choose one of {ChoiceList()}." : null;
        return Kind switch
        {
            RuleParameterKind.Choice when Choice(v) is null => $"'{v}' is not a choice for {Label.ToLowerInvariant()}; choose one of {ChoiceList()}.",
            RuleParameterKind.WholeNumber when !(int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= (Minimum ?? int.MinValue)) =>
                $"{Label} must be a whole number, {Number(Minimum ?? 0)} or more.",
            RuleParameterKind.Decimal when !(double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                && (Minimum is not { } min || d > min) && (Maximum is not { } max || d < max)) =>
                $"{Label} must be a number between {Number(Minimum ?? double.MinValue)} and {Number(Maximum ?? double.MaxValue)}.",
            _ => null,
        };
    }

    private string ChoiceList() => string.Join(", ", Choices.Select(c => c.Words));

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The parameters each <see cref="RuleType"/> reads, in the order the editor asks for them: the one place their labels,
/// allowed values and words live (the rules table's phrases, the editor's fields and <see cref="RuleValidation"/> all
/// read it). Keep it in step with the analysis: RuleParameterCatalogueFacts fails when a value the analysis switches on
/// is not offered here.
/// </summary>
public static class RuleParameterCatalogue
{
    public static readonly RuleParameterDefinition Check = new(RuleParameters.Check, "Check", RuleParameterKind.Choice)
    {
        Choices =
        [
            new(RuleParameters.CheckUnknownProtocol, "protocol names not yet mapped"),
            new(RuleParameters.CheckUnapprovedProtocol, "protocol names mapped but not approved"),
            new(RuleParameters.CheckTargetRegion, "the target region"),
            new(RuleParameters.CheckKvp, "the tube voltage (kVp)"),
            new(RuleParameters.CheckPitch, "the pitch factor"),
            new(RuleParameters.CheckCollimation, "the collimation"),
            new(RuleParameters.CheckEventCount, "the number of irradiation events"),
            new(RuleParameters.CheckOperatingMode, "the operating mode"),
            new(RuleParameters.CheckThermalIndexType, "the thermal index type"),
        ],
        Required = true,
        Hint = "What each study is compared with its protocol on.",
        Phrase = (d, v) => "Checks " + d.Words(v),
    };

    public static readonly RuleParameterDefinition Quantity = new(RuleParameters.Quantity, "Dose quantity", RuleParameterKind.Choice)
    {
        Choices =
        [
            new(DoseQuantity.CtdiVol.Name, "CTDIvol"), new(DoseQuantity.Ssde.Name, "SSDE"), new(DoseQuantity.Agd.Name, "average glandular dose"),
            new(DoseQuantity.Dlp.Name, "DLP"), new(DoseQuantity.Dap.Name, "DAP"), new(DoseQuantity.DoseRp.Name, "dose at the reference point"),
            new(DoseQuantity.FluoroTime.Name, "fluoroscopy time"), new(DoseQuantity.Activity.Name, "administered activity"),
            new(DoseQuantity.Sar.Name, "SAR"), new(DoseQuantity.MechanicalIndex.Name, "mechanical index"), new(DoseQuantity.ThermalIndex.Name, "thermal index"),
        ],
        ChoiceIgnoresCase = true,
        Hint = "The dose this rule judges.",
        Phrase = (d, v) => "Judges " + d.Words(v),
    };

    public static readonly RuleParameterDefinition Table = new(RuleParameters.Table, "Reference table", RuleParameterKind.Choice)
    {
        Choices =
        [
            new(RuleParameters.TableAapmCt, "AAPM CT notification values"),
            new(RuleParameters.TableFluoroscopySrdl, "substantial radiation dose levels (SIR/NCRP 168)"),
            new(RuleParameters.TableMrSar, "MR SAR limits"),
            new(RuleParameters.TableUltrasoundMi, "ultrasound mechanical index limit"),
            new(RuleParameters.TableUltrasoundTi, "ultrasound thermal index limit"),
        ],
        Required = true,
        Hint = "The published values the dose is compared with.",
        Phrase = (d, v) => "Table: " + d.Words(v),
    };

    public static readonly RuleParameterDefinition Source = new(RuleParameters.Source, "DRL source", RuleParameterKind.Choice)
    {
        Choices = [new(RuleParameters.SourceNational, "National DRL"), new(RuleParameters.SourceLocal, "Local DRL")],
        Default = RuleParameters.SourceNational,
        Hint = "National: the country's table; local: a percentile of this site's own history.",
        Phrase = (d, v) => d.Choices.Any(c => string.Equals(c.Value, v, StringComparison.OrdinalIgnoreCase)) ? d.Words(v) : "DRL source " + v,
    };

    public static readonly RuleParameterDefinition Country = new(RuleParameters.Country, "Country", RuleParameterKind.Text)
    {
        Default = "UK",
        Hint = "National DRL only: whose table (as saved under National DRLs below).",
        Phrase = (_, v) => "country " + v.ToUpperInvariant(),
    };

    public static readonly RuleParameterDefinition Examination = new(RuleParameters.Examination, "Examination", RuleParameterKind.Text)
    {
        Phrase = (_, v) => "examination " + v,
    };

    public static readonly RuleParameterDefinition Percentile = new(RuleParameters.Percentile, "Percentile", RuleParameterKind.Decimal)
    {
        Default = "75", Minimum = 0, Maximum = 100,
        Hint = "Local DRL only: the percentile of the history that is the local level.",
        Phrase = (_, v) => Ordinal(v) + " percentile of the history",
    };

    public static readonly RuleParameterDefinition MedianOfStudies = new(RuleParameters.MedianOfStudies, "Studies in the median", RuleParameterKind.WholeNumber)
    {
        Default = RuleParameters.DefaultMedianOfStudies.ToString(CultureInfo.InvariantCulture), Minimum = 1,
        Hint = "National DRL only: the device's latest studies of a table row whose median is compared.",
        Phrase = (_, v) => $"median of the device's latest {v} studies",
    };

    public static readonly RuleParameterDefinition MinimumSampleSize = new(RuleParameters.MinimumSampleSize, "Fewest earlier studies", RuleParameterKind.WholeNumber)
    {
        Default = RuleParameters.DefaultMinimumSampleSize.ToString(CultureInfo.InvariantCulture), Minimum = 1,
        Hint = "Earlier studies needed before the history is used; with fewer, nothing is judged.",
        Phrase = (_, v) => $"history of at least {v} studies",
    };

    public static readonly RuleParameterDefinition WindowDays = new(RuleParameters.WindowDays, "Days added up", RuleParameterKind.WholeNumber)
    {
        Default = RuleParameters.DefaultWindowDays.ToString(CultureInfo.InvariantCulture), Minimum = 1,
        Hint = "A patient's studies within this many days are added up (12 weeks are 84 days).",
        Phrase = (_, v) => $"added up over {v} days",
    };

    public static readonly RuleParameterDefinition Part = new(RuleParameters.Part, "Dose Check part", RuleParameterKind.Choice)
    {
        Choices = [new(RuleParameters.PartAny, "notifications and alerts"), new(RuleParameters.PartNotification, "notifications"), new(RuleParameters.PartAlert, "alerts")],
        Default = RuleParameters.PartAny,
        Hint = "Which of the scanner's own Dose Check events raise an alert.",
        Phrase = (d, v) => "Dose Check " + d.Words(v),
    };

    /// <summary>Every parameter any rule type reads, in the order the rules table phrases them (what is judged first, then how).</summary>
    public static readonly IReadOnlyList<RuleParameterDefinition> All =
        [Check, Quantity, Table, Source, Country, Examination, Percentile, MedianOfStudies, MinimumSampleSize, WindowDays, Part];

    private static readonly Dictionary<RuleType, IReadOnlyList<RuleParameterDefinition>> ByType = new()
    {
        [RuleType.ProtocolDeviation] = [Check, MinimumSampleSize with { Hint = "Earlier studies of the protocol needed before its usual settings are learned." }],
        [RuleType.DoseOutlier] = [Quantity with { Default = DoseQuantity.CtdiVol.Name }, MinimumSampleSize with { Hint = "Earlier studies needed before a score is given." }],
        [RuleType.NotificationValue] =
        [
            Table,
            Quantity with { Default = DoseQuantity.DoseRp.Name, Hint = "Substantial dose levels only: the dose added up over the study." },
            Examination with
            {
                Kind = RuleParameterKind.Choice,
                Choices = [.. AapmCtNotificationValues.CtdiVolMGy.Keys.Select(k => new RuleParameterChoice(k, k))],
                ChoiceIgnoresCase = true,
                Hint = "AAPM table only: the row to use; empty takes each series' row from its protocol and the patient's age.",
                EmptyMeans = "from each series",
            },
        ],
        [RuleType.DrlExceeded] =
        [
            Source,
            Quantity with { Default = DoseQuantity.Dlp.Name, Hint = "National DRL: CTDIvol (per sequence) or DLP (per examination)." },
            Country,
            Examination with { Hint = "National DRL only: the table row to use; empty takes the row each study maps to.", EmptyMeans = "the row each study maps to" },
            MedianOfStudies,
            Percentile,
            MinimumSampleSize with { Hint = "Local DRL only: earlier studies needed before the local level is used." },
        ],
        [RuleType.CumulativeDose] = [Quantity with { Default = DoseQuantity.DoseRp.Name }, WindowDays],
        [RuleType.DoseCheck] = [Part],
        [RuleType.PeakSkinDose] = [WindowDays with { Default = null, Hint = "Empty: each study on its own; a number: a patient's peak skin doses within this many days are added up.", EmptyMeans = "each study on its own" }],
    };

    /// <summary>The parameters a rule type reads, in the editor's order.</summary>
    public static IReadOnlyList<RuleParameterDefinition> For(RuleType type) => ByType[type];

    /// <summary>The definition of a key for a rule type; null when the type does not read it.</summary>
    public static RuleParameterDefinition? Find(RuleType type, string key) => ByType[type].FirstOrDefault(d => d.Key == key);

    private static string Ordinal(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" })
            : value;
}
