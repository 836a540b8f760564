using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests;

/// <summary>
/// Runs independent/read_dose.py (pydicom 2.3.1 under Debian's /usr/bin/python3) on a file and exposes its JSON.
/// The expected values of the extraction tests come from here, read at test time, never from constants.
/// </summary>
public sealed class IndependentReading
{
    private IndependentReading(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public static string ScriptDirectory => Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Core.Tests", "independent");

    // pydicom's start-up dominates a single reading: the samples are read in one run, the first time one is asked for.
    private static readonly Lazy<Dictionary<string, JsonElement>> AllSamples = new(() =>
    {
        var paths = SharedSamples.All().Select(p => Path.Combine(SharedSamples.SamplesDirectory, p)).ToList();
        var json = Run(paths);
        return json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    });

    /// <summary>The reading of a sample (batched with the other samples), or of any other file (its own run).</summary>
    public static IndependentReading Of(string path) =>
        new(AllSamples.Value.TryGetValue(path, out var reading) ? reading : Run([path]));

    private static JsonElement Run(IReadOnlyList<string> paths)
    {
        using var document = JsonDocument.Parse(ExternalTool.Python("read_dose.py", [.. paths]));
        return document.RootElement.Clone();
    }

    public string? Text(string name) => Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public IReadOnlyList<double> Numbers(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetDouble()).ToList() : [];

    public (string Code, string Scheme)? RootConcept =>
        Root.GetProperty("root") is { ValueKind: JsonValueKind.Object } r ? (r.GetProperty("code").GetString()!, r.GetProperty("scheme").GetString()!) : null;

    public IReadOnlyList<IReadOnlyList<JsonElement>> Events => Containers("events");

    public IReadOnlyList<IReadOnlyList<JsonElement>> Accumulations => Containers("accumulations");

    public IReadOnlyList<JsonElement> Tree => Root.TryGetProperty("tree", out var t) ? t.EnumerateArray().ToList() : [];

    public IReadOnlyList<JsonElement> ExposureDoseItems => Root.GetProperty("exposureDoseItems").EnumerateArray().ToList();

    public JsonElement Header => Root.GetProperty("header");

    public IReadOnlyList<double> HeaderNumbers(string keyword) =>
        Header.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetDouble()).ToList() : [];

    public string? HeaderText(string keyword) =>
        Header.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private IReadOnlyList<IReadOnlyList<JsonElement>> Containers(string name) =>
        Root.GetProperty(name).EnumerateArray().Select(e => (IReadOnlyList<JsonElement>)e.GetProperty("items").EnumerateArray().ToList()).ToList();
}

/// <summary>Helpers over the flat item lists of one event or container.</summary>
public static class IndependentItems
{
    public static bool HasConcept(this JsonElement item, string code) =>
        item.GetProperty("concept") is { ValueKind: JsonValueKind.Object } c && (c.GetProperty("code").GetString() == code || Sct(c) == code);

    /// <summary>The first item with this concept (code value; SRT codes also match their SCT equivalent), in document order.</summary>
    public static JsonElement? First(this IReadOnlyList<JsonElement> items, string code)
    {
        foreach (var i in items)
            if (i.HasConcept(code)) return i;
        return null;
    }

    public static IEnumerable<JsonElement> All(this IReadOnlyList<JsonElement> items, string code) => items.Where(i => i.HasConcept(code));

    /// <summary>(values, unit) of a NUM item; empty when no measured value.</summary>
    public static (IReadOnlyList<double> Values, string? Unit) Num(this JsonElement item) =>
        (item.TryGetProperty("values", out var v) ? v.EnumerateArray().Select(x => x.GetDouble()).ToList() : [],
         item.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null);

    public static string? TextValue(this JsonElement item) =>
        item.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    /// <summary>CODE value as (SCT code when pydicom maps it, else the code, scheme).</summary>
    public static (string Code, string Scheme)? CodeValue(this JsonElement item)
    {
        if (!item.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Object) return null;
        return Sct(v) is { } sct ? (sct, "SCT") : (v.GetProperty("code").GetString()!, v.GetProperty("scheme").GetString()!);
    }

    /// <summary>The forms a CODE value may correctly take in DoseWatch: as sent, and pydicom's SCT equivalent of a legacy SRT code.</summary>
    public static IReadOnlyList<(string Code, string Scheme)> AcceptableCodes(this JsonElement item)
    {
        if (!item.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Object) return [];
        var raw = (v.GetProperty("code").GetString()!, v.GetProperty("scheme").GetString()!);
        return Sct(v) is { } sct ? [(sct, "SCT"), raw] : [raw];
    }

    private static string? Sct(JsonElement code) => code.TryGetProperty("sct", out var s) ? s.GetString() : null;
}
