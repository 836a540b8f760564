// Firely's model types every element as nullable.
#nullable disable warnings
using System.Collections.Concurrent;
using DoseWatch.Fhir.Tests;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;

namespace DoseWatch.Web.Tests.Fhir;

/// <summary>
/// A FHIR server stand-in on a loopback Kestrel port, for the push tests: no FHIR server could be installed from the
/// registries reachable here (HAPI and other Java servers come from Maven, not reachable; the npm packages are
/// frameworks or routers, not servers). It takes what DoseWatch sends (<c>POST [base]</c>, a transaction Bundle) and
/// <list type="bullet">
/// <item>validates every request body with the Firely validator against base R4 (the bundle and each entry's resource);
/// an invalid one is refused with 422 and recorded in <see cref="Rejected"/>;</item>
/// <item>implements R4 conditional update for each entry (<c>PUT Type?identifier=s|v,s|v</c> and
/// <c>part-of:identifier</c>): no match creates, one match updates it (new version, same id), more than one is 412;
/// an unknown search parameter is 400;</item>
/// <item>resolves the entries' <c>urn:uuid:</c> references to the ids it assigned, and refuses (400) a literal reference
/// to a resource it does not hold, as a server with referential integrity does;</item>
/// <item>answers a transaction-response Bundle with each entry's status and location.</item>
/// </list>
/// <see cref="FailNext"/> makes it answer a given status, without storing anything, to the next requests about a study.
/// </summary>
public sealed class LoopbackFhirServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _store = new();
    private readonly Dictionary<string, (Resource Resource, int Version)> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _failures = new(StringComparer.Ordinal);
    private int _nextId;

    /// <summary>Every request received: its Authorization and Idempotency-Key headers, body and the status answered.</summary>
    public ConcurrentQueue<(string? Authorization, string? IdempotencyKey, string Body, int Status)> Requests { get; } = new();

    /// <summary>Bodies refused as invalid R4, with the validator's errors.</summary>
    public ConcurrentQueue<string> Rejected { get; } = new();

    public string BaseUrl { get; private set; } = "";

    private LoopbackFhirServer(WebApplication app) => _app = app;

    public static async Task<LoopbackFhirServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new LoopbackFhirServer(app);
        app.MapPost("/fhir", server.TransactionAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/fhir";
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests whose body names <paramref name="studyInstanceUid"/> get <paramref name="status"/>.</summary>
    public void FailNext(string studyInstanceUid, int count, int status)
    {
        var queue = _failures.GetOrAdd(studyInstanceUid, _ => new ConcurrentQueue<int>());
        for (var i = 0; i < count; i++) queue.Enqueue(status);
    }

    /// <summary>The resources of one type the server holds, with their versions.</summary>
    public IReadOnlyList<(T Resource, int Version)> All<T>() where T : Resource
    {
        lock (_store) return _resources.Values.Where(r => r.Resource is T).Select(r => ((T)r.Resource.DeepCopy(), r.Version)).ToList();
    }

    /// <summary>The Observations whose partOf names the study (by its identifier, as DoseWatch sends it).</summary>
    public IReadOnlyList<(Observation Resource, int Version)> ObservationsOf(string studyInstanceUid) =>
        All<Observation>().Where(o => o.Resource.PartOf.Any(p => p.Identifier?.Value == "urn:oid:" + studyInstanceUid)).ToList();

    /// <summary>Forgets everything it holds (a new, empty server at the same address).</summary>
    public void Clear()
    {
        lock (_store) _resources.Clear();
    }

    private async Task<IResult> TransactionAsync(HttpRequest request)
    {
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var (status, answer) = Process(body);
        Requests.Enqueue((request.Headers.Authorization.FirstOrDefault(), request.Headers["Idempotency-Key"].FirstOrDefault(), body, status));
        return Results.Content(new FhirJsonSerializer().SerializeToString(answer), "application/fhir+json", System.Text.Encoding.UTF8, status);
    }

    private (int, Resource) Process(string body)
    {
        foreach (var (study, queue) in _failures)
            if (body.Contains(study, StringComparison.Ordinal) && queue.TryDequeue(out var failure))
                return (failure, Outcome(OperationOutcome.IssueType.Transient, $"told to answer {failure}"));

        Bundle bundle;
        try
        {
            bundle = new FhirJsonDeserializer().Deserialize<Bundle>(body);
        }
        catch (Exception e) when (e is DeserializationFailedException or FormatException or System.Text.Json.JsonException)
        {
            Rejected.Enqueue($"not an R4 Bundle: {e.Message}");
            return (400, Outcome(OperationOutcome.IssueType.Structure, e.Message));
        }
        var errors = R4Validation.Errors(bundle).Concat(bundle.Entry.SelectMany(e => e.Resource is null ? ["entry without resource"] : R4Validation.Errors(e.Resource))).ToList();
        if (bundle.Type != Bundle.BundleType.Transaction) errors.Add($"Bundle.type is {bundle.Type}, not transaction");
        if (errors.Count > 0)
        {
            Rejected.Enqueue(string.Join("\n", errors));
            return (422, Outcome(OperationOutcome.IssueType.Invalid, string.Join("; ", errors)));
        }

        lock (_store)
        {
            // Ids first (conditional matches), then references, then store: a transaction succeeds or changes nothing.
            var plan = new List<(Bundle.EntryComponent Entry, string Key, bool Created)>();
            var fullUrls = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in bundle.Entry)
            {
                if (entry.Request?.Method != Bundle.HTTPVerb.PUT || entry.Request.Url?.Contains('?') != true)
                    return (400, Outcome(OperationOutcome.IssueType.NotSupported, $"only conditional updates are accepted here, not {entry.Request?.Method} {entry.Request?.Url}"));
                var type = entry.Request.Url[..entry.Request.Url.IndexOf('?')];
                if (type != entry.Resource.TypeName) return (400, Outcome(OperationOutcome.IssueType.Invalid, $"{entry.Request.Url} does not match a {entry.Resource.TypeName}"));
                var (matches, problem) = Matches(type, entry.Request.Url[(type.Length + 1)..]);
                if (problem is not null) return (400, Outcome(OperationOutcome.IssueType.NotSupported, problem));
                if (matches.Count > 1) return (412, Outcome(OperationOutcome.IssueType.MultipleMatches, $"{entry.Request.Url} matches {matches.Count} resources"));
                if (entry.Resource.Id is { } id && matches.Count == 1 && matches[0] != $"{type}/{id}")
                    return (400, Outcome(OperationOutcome.IssueType.Invalid, $"{entry.Request.Url} matches {matches[0]}, the body's id is {id}"));
                var key = matches.Count == 1 ? matches[0] : $"{type}/{(entry.Resource.Id ?? $"lb{Interlocked.Increment(ref _nextId)}")}";
                plan.Add((entry, key, matches.Count == 0));
                if (entry.FullUrl is { } fullUrl) fullUrls[fullUrl] = key;
            }
            foreach (var (entry, key, _) in plan)
            {
                entry.Resource.Id = key[(key.IndexOf('/') + 1)..];
                foreach (var reference in References(entry.Resource))
                {
                    if (reference.Reference is not { } target) continue;
                    if (fullUrls.TryGetValue(target, out var resolved)) reference.Reference = resolved;
                    else if (!_resources.ContainsKey(target))
                        return (400, Outcome(OperationOutcome.IssueType.NotFound, $"{entry.Resource.TypeName} refers to {target}, which this server does not hold"));
                }
            }
            var response = new Bundle { Type = Bundle.BundleType.TransactionResponse };
            foreach (var (entry, key, created) in plan)
            {
                var version = created ? 1 : _resources[key].Version + 1;
                entry.Resource.Meta = new Meta { VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                _resources[key] = (entry.Resource, version);
                response.Entry.Add(new Bundle.EntryComponent
                {
                    Response = new Bundle.ResponseComponent { Status = created ? "201 Created" : "200 OK", Location = $"{key}/_history/{version}" },
                });
            }
            return (200, response);
        }
    }

    /// <summary>The keys of the stored resources of <paramref name="type"/> that the search <paramref name="query"/> matches.</summary>
    private (List<string> Matches, string? Problem) Matches(string type, string query)
    {
        var parameters = query.Split('&').Select(p => p.Split('=', 2)).Select(p => (Name: Uri.UnescapeDataString(p[0]), Value: p.Length > 1 ? p[1] : "")).ToList();
        var candidates = _resources.Where(r => r.Key.StartsWith(type + "/", StringComparison.Ordinal)).ToList();
        foreach (var (name, value) in parameters)
        {
            // Alternatives are separated by unescaped commas; each is system|value, escaped.
            var tokens = value.Split(',').Select(Uri.UnescapeDataString).Select(t => t.Split('|', 2)).Select(t => (System: t[0], Value: t.Length > 1 ? t[1] : null)).ToList();
            Func<Resource, IEnumerable<Identifier>> identifiers = name switch
            {
                "identifier" => r => r switch
                {
                    Observation o => o.Identifier,
                    ImagingStudy s => s.Identifier,
                    Patient p => p.Identifier,
                    _ => [],
                },
                "part-of:identifier" when type == "Observation" => r => ((Observation)r).PartOf.Select(p => p.Identifier).Where(i => i is not null),
                _ => null,
            };
            if (identifiers is null) return ([], $"unknown search parameter {name} on {type}");
            candidates = candidates.Where(c => identifiers(c.Value.Resource).Any(i => tokens.Any(t => t.System == i.System && t.Value == i.Value))).ToList();
        }
        return (candidates.Select(c => c.Key).ToList(), null);
    }

    private static IEnumerable<ResourceReference> References(Base element)
    {
        foreach (var (_, value) in element.EnumerateElements())
        {
            var children = value switch
            {
                Base single => [single],
                IEnumerable<Base> many => many,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is ResourceReference reference) yield return reference;
                foreach (var inner in References(child)) yield return inner;
            }
        }
    }

    private static OperationOutcome Outcome(OperationOutcome.IssueType type, string text) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = type, Diagnostics = text }],
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
