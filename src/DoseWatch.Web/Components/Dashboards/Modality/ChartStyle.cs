using DoseWatch.Core.Presentation;
using DoseWatch.Core.Analysis;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;

namespace DoseWatch.Web.Components.Dashboards.Modality;

/// <summary>The look every dashboard chart shares, and the limit lines drawn across a chart as layout shapes.</summary>
public static class ChartStyle
{
    public const string Accent = "#0f766e";
    public const string Band = "rgba(15,118,110,0.16)";
    public const string Limit = "#b42318";

    public static Config Config() => new() { Responsive = true, DisplayLogo = false };

    public static Plotly.Blazor.Layout Layout(int height, int left = 64, int bottom = 48) => new()
    {
        Height = height,
        Margin = new Margin { L = left, R = 16, T = 16, B = bottom },
        PaperBgColor = "rgba(0,0,0,0)",
        PlotBgColor = "rgba(0,0,0,0)",
        ShowLegend = false,
        Font = new Font { Size = 12 },
    };

    /// <summary>One dashed line per limit across the plot, vertical (on x) or horizontal (on y), labelled at its end.</summary>
    public static void AddLimitLines(Plotly.Blazor.Layout layout, IReadOnlyList<GuidanceLine> lines, bool vertical)
    {
        if (lines.Count == 0) return;
        layout.Shapes ??= new List<Shape>();
        layout.Annotations ??= new List<Annotation>();
        foreach (var line in lines)
        {
            layout.Shapes.Add(vertical
                ? new Shape { Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, XRef = "x", YRef = "paper", X0 = line.Value, X1 = line.Value, Y0 = 0, Y1 = 1, Line = LimitLine() }
                : new Shape { Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, XRef = "paper", YRef = "y", X0 = 0, X1 = 1, Y0 = line.Value, Y1 = line.Value, Line = LimitLine() });
            var text = $"{line.Label} {DisplayText.Number(line.Value)}{(line.Unit.Length > 0 ? " " + line.Unit : "")}";
            layout.Annotations.Add(vertical
                ? new Annotation { XRef = "x", YRef = "paper", X = line.Value, Y = 1, Text = text, ShowArrow = false, TextAngle = -90, XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Right, YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Top, Font = new Plotly.Blazor.LayoutLib.AnnotationLib.Font { Color = Limit, Size = 10 } }
                : new Annotation { XRef = "paper", YRef = "y", X = 1, Y = line.Value, Text = text, ShowArrow = false, XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Right, YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom, Font = new Plotly.Blazor.LayoutLib.AnnotationLib.Font { Color = Limit, Size = 10 } });
        }
    }

    /// <summary>
    /// A long category label (a device's "station · model · manufacturer") broken into lines of at most
    /// <paramref name="lineLength"/> characters between its " · " parts, joined by Plotly's line break: on one line it
    /// ran past a chart's left margin and was cut (issue #21). A part longer than a line stays whole on its own line.
    /// </summary>
    public static string WrapLabel(string label, int lineLength = 26)
    {
        if (label.Length <= lineLength) return label;
        var lines = new List<string>();
        foreach (var part in label.Split(" · ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (lines.Count > 0 && lines[^1].Length + 3 + part.Length <= lineLength) lines[^1] += " · " + part;
            else lines.Add(part);
        }
        return string.Join("<br>", lines);
    }

    /// <summary>The left margin that holds the longest line of <paramref name="labels"/> at a 12 px font (about 7 px a character).</summary>
    public static int LabelMargin(IEnumerable<string> labels, int minimum = 80, int maximum = 240) =>
        Math.Clamp(16 + 7 * labels.SelectMany(l => l.Split("<br>")).Select(l => l.Length).DefaultIfEmpty(0).Max(), minimum, maximum);

    /// <summary>
    /// Tick values for a scale of counts (studies per cell): whole numbers only, a step of 1, 2 or 5 times a power of ten,
    /// at most <paramref name="maximumTicks"/> of them between <paramref name="minimum"/> and <paramref name="maximum"/>.
    /// Plotly's own ticks on a range of 1 to 3 are 1, 1.5, 2, 2.5, 3: half a study means nothing.
    /// </summary>
    public static IReadOnlyList<long> CountTicks(long minimum, long maximum, int maximumTicks = 6)
    {
        if (maximum <= minimum) return [minimum];
        long step = 1;
        for (var magnitude = 1L; ; magnitude *= 10)
        {
            var fits = new[] { 1L, 2L, 5L }.Select(f => f * magnitude).FirstOrDefault(s => (maximum - minimum) / s + 1 <= maximumTicks);
            if (fits > 0) { step = fits; break; }
        }
        var first = (minimum + step - 1) / step * step;
        var ticks = new List<long>();
        for (var t = first; t <= maximum; t += step) ticks.Add(t);
        return ticks.Count > 0 ? ticks : [minimum];
    }

    private static Plotly.Blazor.LayoutLib.ShapeLib.Line LimitLine() => new() { Color = Limit, Width = 1.5m, Dash = "dash" };
}
