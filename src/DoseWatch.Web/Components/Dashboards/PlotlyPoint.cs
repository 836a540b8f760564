namespace DoseWatch.Web.Components.Dashboards;

/// <summary>Reads Plotly click data as Plotly.Blazor hands it over (numbers, arrays for a box's summary, or nothing).</summary>
public static class PlotlyPoint
{
    /// <summary>The index when <paramref name="value"/> is a single whole number; null otherwise (a box, not a point).</summary>
    public static int? Index(object? value) => value switch
    {
        int i => i,
        long l and >= 0 and <= int.MaxValue => (int)l,
        double d when d >= 0 && d <= int.MaxValue && d == Math.Floor(d) => (int)d,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        _ => null,
    };
}
