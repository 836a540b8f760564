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

    private static Plotly.Blazor.LayoutLib.ShapeLib.Line LimitLine() => new() { Color = Limit, Width = 1.5m, Dash = "dash" };
}
