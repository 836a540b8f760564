using System.Globalization;
using DoseWatch.Data.Repositories;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace DoseWatch.Web.Api;

/// <summary>
/// The study browser's filter, sort and page as they appear in a URL: bound by the API (<c>[AsParameters]</c>), parsed
/// from the page's own address, and written back to it, so a filtered view can be bookmarked and the same query string
/// gives the same rows in the page, <c>GET /api/v1/studies</c> and the exports.
/// </summary>
public sealed record StudyFilter
{
    public const int DefaultPageSize = 50;

    /// <summary>Age bands offered by the browser: [from, below) in years; "65+" has no upper bound.</summary>
    public static readonly IReadOnlyList<string> AgeBands = ["0-1", "1-5", "5-10", "10-15", "15-18", "18-40", "40-65", "65+"];

    [FromQuery(Name = "modality")] public string? Modality { get; init; }
    [FromQuery(Name = "from")] public DateOnly? From { get; init; }
    [FromQuery(Name = "to")] public DateOnly? To { get; init; }
    [FromQuery(Name = "device")] public string? Device { get; init; }
    [FromQuery(Name = "protocol")] public string? Protocol { get; init; }
    [FromQuery(Name = "standardProtocol")] public string? StandardProtocol { get; init; }
    [FromQuery(Name = "sex")] public string? Sex { get; init; }

    /// <summary>Patient ID (with <see cref="IssuerOfPatientId"/> when the hospital has several issuers): matched through
    /// the pseudonym, for roles that see patient identity only.</summary>
    [FromQuery(Name = "patientId")] public string? PatientId { get; init; }

    [FromQuery(Name = "issuerOfPatientId")] public string? IssuerOfPatientId { get; init; }
    /// <summary>Age band "FROM-BELOW" or "FROM+" in years, e.g. 18-40, 65+.</summary>
    [FromQuery(Name = "age")] public string? Age { get; init; }
    /// <summary>Headline dose range in the modality's unit (DLP mGy·cm for CT, DAP Gy·cm² for DX/RF/XA, AGD mGy for MG).</summary>
    [FromQuery(Name = "doseMin")] public double? DoseMin { get; init; }
    [FromQuery(Name = "doseMax")] public double? DoseMax { get; init; }
    /// <summary>"open": only studies with an alert that is not resolved.</summary>
    [FromQuery(Name = "alerts")] public string? Alerts { get; init; }
    /// <summary>date (default), modality, device, age, events, dose.</summary>
    [FromQuery(Name = "sort")] public string? Sort { get; init; }
    /// <summary>desc (default) or asc.</summary>
    [FromQuery(Name = "dir")] public string? Dir { get; init; }
    [FromQuery(Name = "page")] public int? Page { get; init; }
    [FromQuery(Name = "pageSize")] public int? PageSize { get; init; }

    /// <summary>Reads the filter from a URL's query string; values that do not parse are kept out (and reported by <see cref="Validate"/> as absent).</summary>
    public static StudyFilter FromQueryString(string? queryString)
    {
        var q = QueryHelpers.ParseQuery(queryString);
        string? S(string key) => q.TryGetValue(key, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString().Trim() : null;
        DateOnly? D(string key) => DateOnly.TryParseExact(S(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        double? N(string key) => double.TryParse(S(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
        int? I(string key) => int.TryParse(S(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new StudyFilter
        {
            Modality = S("modality"), From = D("from"), To = D("to"), Device = S("device"), Protocol = S("protocol"),
            StandardProtocol = S("standardProtocol"), Sex = S("sex"), Age = S("age"), DoseMin = N("doseMin"), DoseMax = N("doseMax"),
            Alerts = S("alerts"), Sort = S("sort"), Dir = S("dir"), Page = I("page"), PageSize = I("pageSize"),
        };
    }

    /// <summary>"?from=...&amp;modality=CT" with only the values set (empty string when none); page 1 and the default size are left out.</summary>
    public string ToQueryString()
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value) { if (!string.IsNullOrWhiteSpace(value)) pairs.Add(new(key, value.Trim())); }
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("modality", Modality);
        Add("device", Device);
        Add("protocol", Protocol);
        Add("standardProtocol", StandardProtocol);
        Add("sex", Sex);
        Add("age", Age);
        Add("doseMin", DoseMin?.ToString("R", CultureInfo.InvariantCulture));
        Add("doseMax", DoseMax?.ToString("R", CultureInfo.InvariantCulture));
        Add("alerts", Alerts);
        Add("sort", Sort is null || Sort == "date" ? null : Sort);
        Add("dir", Dir is null || Dir == "desc" ? null : Dir);
        Add("page", Page is null or 1 ? null : Page.Value.ToString(CultureInfo.InvariantCulture));
        Add("pageSize", PageSize is null or DefaultPageSize ? null : PageSize.Value.ToString(CultureInfo.InvariantCulture));
        return pairs.Count == 0 ? "" : QueryString.Create(pairs).ToUriComponent();
    }

    /// <summary>The repository query, or the problems (by parameter name) that make this filter meaningless.</summary>
    public (StudyQuery? Query, Dictionary<string, string[]> Errors) Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Page is < 1) errors["page"] = ["page starts at 1"];
        if (PageSize is < 1 or > DoseRecordRepository.MaximumPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {DoseRecordRepository.MaximumPageSize}"];
        if (From is { } f && To is { } t && f > t) errors["from"] = ["from is after to"];
        var (ageFrom, ageBelow) = ParseAge(Age, errors);
        if ((DoseMin is not null || DoseMax is not null) && HeadlineDose.For(Modality) is null)
            errors["doseMin"] = ["a dose range needs a modality with a study dose quantity (CT, DX, CR, RF, XA, MG, NM, PT)"];
        if (DoseMin is { } lo && DoseMax is { } hi && lo > hi) errors["doseMax"] = ["doseMax is below doseMin"];
        if (Sex is { Length: > 0 } sex && sex.ToUpperInvariant() is not ("M" or "F" or "O")) errors["sex"] = ["sex is M, F or O"];
        if (Alerts is { Length: > 0 } alerts && alerts != "open") errors["alerts"] = ["alerts is 'open' or absent"];
        StudySort sort = StudySort.Date;
        if (Sort is { Length: > 0 } s && !Enum.TryParse(s, ignoreCase: true, out sort)) errors["sort"] = ["sort is one of date, modality, device, age, events, dose"];
        if (Dir is { Length: > 0 } d && d is not ("asc" or "desc")) errors["dir"] = ["dir is asc or desc"];
        if (errors.Count > 0) return (null, errors);
        return (new StudyQuery(Modality, From, To, Device, Protocol, Page ?? 1, PageSize ?? DefaultPageSize)
        {
            StandardProtocol = StandardProtocol,
            Sex = Sex,
            AgeFromYears = ageFrom,
            AgeBelowYears = ageBelow,
            DoseMin = DoseMin,
            DoseMax = DoseMax,
            OpenAlertsOnly = Alerts == "open",
            Sort = sort,
            Descending = Dir != "asc",
        }, errors);
    }

    private static (double? From, double? Below) ParseAge(string? band, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(band)) return (null, null);
        var text = band.Trim();
        static double? Years(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var y) && y >= 0 ? y : null;
        if (text.EndsWith('+') && Years(text[..^1]) is { } open) return (open, null);
        var parts = text.Split('-');
        if (parts.Length == 2 && Years(parts[0]) is { } from && Years(parts[1]) is { } below && from < below) return (from, below);
        errors["age"] = ["age is a band FROM-BELOW or FROM+ in years, e.g. 18-40 or 65+"];
        return (null, null);
    }
}
