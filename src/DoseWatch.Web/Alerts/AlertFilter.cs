using System.Globalization;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// The alert inbox's filters and page as they appear in a URL: the same query string selects the same alerts in
/// <c>/alerts</c> and <c>GET /api/v1/alerts</c>, and a filtered inbox can be bookmarked. <see cref="From"/> and
/// <see cref="To"/> are a date (yyyy-MM-dd: <c>to</c> includes that whole day, UTC) or an ISO 8601 time (<c>to</c> exclusive).
/// </summary>
public sealed record AlertFilter
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>new, acknowledged, resolved, or "all" (the same as absent).</summary>
    public string? Status { get; init; }
    public string? Type { get; init; }
    public string? Modality { get; init; }
    public string? Device { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Study { get; init; }
    public string? Assignee { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }

    public static AlertFilter FromQueryString(string? queryString)
    {
        var q = QueryHelpers.ParseQuery(queryString);
        string? S(string key) => q.TryGetValue(key, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString().Trim() : null;
        int? I(string key) => int.TryParse(S(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new AlertFilter
        {
            Status = S("status"), Type = S("type"), Modality = S("modality"), Device = S("device"), From = S("from"), To = S("to"),
            Study = S("study"), Assignee = S("assignee"), Page = I("page"), PageSize = I("pageSize"),
        };
    }

    /// <summary>"?status=new&amp;type=..." with only the values set (empty string when none); page 1 and the default size are left out.</summary>
    public string ToQueryString()
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value) { if (!string.IsNullOrWhiteSpace(value)) pairs.Add(new(key, value.Trim())); }
        Add("status", Status);
        Add("type", Type);
        Add("modality", Modality);
        Add("device", Device);
        Add("from", From);
        Add("to", To);
        Add("study", Study);
        Add("assignee", Assignee);
        Add("page", Page is null or 1 ? null : Page.Value.ToString(CultureInfo.InvariantCulture));
        Add("pageSize", PageSize is null or DefaultPageSize ? null : PageSize.Value.ToString(CultureInfo.InvariantCulture));
        return pairs.Count == 0 ? "" : QueryString.Create(pairs).ToUriComponent();
    }

    /// <summary>The repository query, or the problems per parameter (unknown status or type, a date that does not parse, a page out of range).</summary>
    public (AlertQuery? Query, Dictionary<string, string[]> Errors) ToQuery()
    {
        var errors = new Dictionary<string, string[]>();
        var status = Status == "all" ? null : Status;
        if (status is not null && !AlertStatuses.All.Contains(status)) errors["status"] = [$"Unknown status '{Status}'. Use {string.Join(", ", AlertStatuses.All)}."];
        if (Type is not null && !RuleTypes.TryParse(Type, out _))
            errors["type"] = [$"Unknown type '{Type}'. Use {string.Join(", ", Enum.GetValues<RuleType>().Select(t => t.ToWire()))}."];
        var from = Time(From, "from", errors, endOfDay: false);
        var before = Time(To, "to", errors, endOfDay: true);
        if (Page is < 1) errors["page"] = ["page starts at 1."];
        if (PageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        if (errors.Count > 0) return (null, errors);
        return (new AlertQuery(status, Type?.ToLowerInvariant(), from, Study, Page ?? 1, PageSize ?? DefaultPageSize, Assignee)
        {
            Modality = Modality, DeviceKey = Device, Before = before,
        }, errors);
    }

    private static DateTimeOffset? Time(string? text, string name, Dictionary<string, string[]> errors, bool endOfDay)
    {
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return time;
        errors[name] = [$"'{text}' is not an ISO 8601 date or time."];
        return null;
    }
}
