using System.Globalization;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Fhir;
using Microsoft.Extensions.Primitives;

namespace DoseWatch.Web.Fhir;

/// <summary>
/// GET /fhir/Observation's parameters as a <see cref="StudyQuery"/>: one dose summary per study, so each parameter is a
/// filter on studies. Unknown parameters are refused (strict handling) rather than silently widening the result.
/// </summary>
public sealed record ObservationSearch(StudyQuery Query, bool MatchesNothing, bool NeedsPatientIdentity)
{
    public const int DefaultCount = 20;
    public const int MaximumCount = 100;

    /// <summary>The parameters the CapabilityStatement declares, with what each searches.</summary>
    public static readonly IReadOnlyList<(string Name, string Type, string Documentation)> Parameters =
    [
        ("code", "token", "73569-6 (http://loinc.org): every dose summary; any other code matches none."),
        ("patient", "reference", "Patient/{pseudonym}."),
        ("subject", "reference", "Same as patient."),
        ("patient.identifier", "token", $"{RadiationDoseSummaryCodes.PseudonymSystem}|PSN-…, or a Patient ID (0010,0020) without issuer, for roles that see identity."),
        ("subject:identifier", "token", "Same as patient.identifier."),
        ("identifier", "token", "urn:dicom:uid|urn:oid:{SOP Instance UID of the dose report}."),
        ("part-of", "reference", "ImagingStudy/{Study Instance UID}."),
        ("focus", "reference", "Same as part-of."),
        ("part-of:identifier", "token", "urn:dicom:uid|urn:oid:{Study Instance UID}."),
        ("date", "date", "The study date (day precision), with eq, ge, gt, le, lt; repeatable."),
        ("modality", "token", "The study's modality (CT, XA, RF, DX, CR, MG, NM, PT…), optionally with system http://dicom.nema.org/resources/ontology/DCM."),
        ("device", "reference", "Device/{device number}."),
        ("_count", "number", $"Page size, {DefaultCount} by default, at most {MaximumCount}."),
        ("_page", "number", "Page number, from 1 (the next link carries it)."),
    ];

    public static (ObservationSearch? Search, string? Error) Parse(IEnumerable<KeyValuePair<string, StringValues>> query, PatientPseudonym pseudonyms)
    {
        var q = new StudyQuery { AnyModality = RadiationDoseSummaryMapping.IonisingModalities, PageSize = DefaultCount };
        var nothing = false;
        var needsIdentity = false;
        DateOnly? from = null, to = null;
        foreach (var (name, values) in query)
        {
            foreach (var raw in values.Select(v => v?.Trim() ?? ""))
            {
                switch (name)
                {
                    case "_format":
                        break;
                    case "code":
                        var (codeSystem, code) = Token(raw);
                        if (code != RadiationDoseSummaryCodes.RadiationDoseSummaryCode || (codeSystem is not null && codeSystem != RadiationDoseSummaryCodes.Loinc)) nothing = true;
                        break;
                    case "patient" or "subject":
                        q = q with { PatientPseudonym = Id(raw, "Patient") };
                        break;
                    case "patient.identifier" or "subject:identifier" or "subject.identifier":
                        var (system, value) = Token(raw);
                        if (system == RadiationDoseSummaryCodes.PseudonymSystem) q = q with { PatientPseudonym = value };
                        else if (system is null or "")
                        {
                            needsIdentity = true;
                            q = q with { PatientPseudonym = pseudonyms.For(null, value) ?? "" };
                        }
                        else nothing = true; // another assigner's identifiers are not known here
                        break;
                    case "identifier":
                        q = q with { SourceSopInstanceUid = Uid(raw) };
                        break;
                    case "part-of" or "focus":
                        q = q with { StudyInstanceUid = Id(raw, "ImagingStudy") };
                        break;
                    case "part-of:identifier":
                        q = q with { StudyInstanceUid = Uid(raw) };
                        break;
                    case "modality":
                        var (modalitySystem, modality) = Token(raw);
                        if (modalitySystem is not null && modalitySystem != RadiationDoseSummaryCodes.Dcm) nothing = true;
                        q = q with { Modality = modality };
                        break;
                    case "device":
                        if (!long.TryParse(Id(raw, "Device"), NumberStyles.None, CultureInfo.InvariantCulture, out var device)) return (null, $"device: '{raw}' is not Device/{{number}}");
                        q = q with { DeviceId = device };
                        break;
                    case "date":
                        if (!DateRange(raw, ref from, ref to)) return (null, $"date: '{raw}' is not a date with an optional eq, ge, gt, le or lt prefix");
                        break;
                    case "_count":
                        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1) return (null, $"_count: '{raw}' is not a positive number");
                        q = q with { PageSize = Math.Min(count, MaximumCount) };
                        break;
                    case "_page":
                        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page < 1) return (null, $"_page: '{raw}' is not a page number from 1");
                        q = q with { Page = page };
                        break;
                    default:
                        return (null, $"The search parameter '{name}' is not supported (see /fhir/metadata)");
                }
            }
        }
        return (new ObservationSearch(q with { From = from, To = to }, nothing, needsIdentity), null);
    }

    /// <summary>"system|code", "|code" or "code".</summary>
    private static (string? System, string Value) Token(string raw)
    {
        var bar = raw.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (null, raw) : (raw[..bar], raw[(bar + 1)..]);
    }

    /// <summary>"Type/id", an absolute URL ending so, or the bare id.</summary>
    private static string Id(string raw, string type)
    {
        var marker = type + "/";
        var at = raw.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? raw : raw[(at + marker.Length)..];
    }

    /// <summary>A UID from "urn:dicom:uid|urn:oid:1.2…", "urn:oid:1.2…" or "1.2…".</summary>
    private static string Uid(string raw)
    {
        var value = Token(raw).Value;
        return value.StartsWith("urn:oid:", StringComparison.Ordinal) ? value["urn:oid:".Length..] : value;
    }

    private static bool DateRange(string raw, ref DateOnly? from, ref DateOnly? to)
    {
        var prefix = raw.Length > 2 && char.IsLetter(raw[0]) ? raw[..2] : "eq";
        var text = prefix == "eq" && !char.IsLetter(raw.FirstOrDefault()) ? raw : raw[2..];
        // Day precision: a dateTime is taken at its date; a year or a month is that whole period.
        string[] formats = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];
        var datePart = text.Length > 10 ? text[..10] : text;
        if (!DateOnly.TryParseExact(datePart, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)) return false;
        var end = datePart.Length switch { 4 => start.AddYears(1).AddDays(-1), 7 => start.AddMonths(1).AddDays(-1), _ => start };
        DateOnly? Later(DateOnly? a, DateOnly b) => a is { } x && x > b ? x : b;
        DateOnly? Earlier(DateOnly? a, DateOnly b) => a is { } x && x < b ? x : b;
        switch (prefix)
        {
            case "eq": from = Later(from, start); to = Earlier(to, end); return true;
            case "ge": from = Later(from, start); return true;
            case "gt": from = Later(from, end.AddDays(1)); return true;
            case "le": to = Earlier(to, end); return true;
            case "lt": to = Earlier(to, start.AddDays(-1)); return true;
            default: return false;
        }
    }
}
