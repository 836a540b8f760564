using DoseWatch.Data.Repositories;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using BoxLib = Plotly.Blazor.Traces.BoxLib;
using ScatterLib = Plotly.Blazor.Traces.ScatterLib;

namespace DoseWatch.Web.Components.Dashboards;

/// <summary>
/// The Plotly traces of <see cref="ProtocolBoxChart"/>: one box per protocol with values, most frequent on top. A box of
/// at most <c>allPointsUpTo</c> values is drawn by Plotly from the values (every one a clickable point); a larger one
/// from its <see cref="TukeyBox"/> figures, followed by a marker trace of its outliers only. Each trace has a
/// <see cref="Target"/>: the protocol and the study UID of each of its points, in point order.
/// </summary>
public static class ProtocolBoxTraces
{
    public sealed record Target(string Protocol, IReadOnlyList<string> PointStudyUids);

    public sealed record Result(IList<ITrace> Traces, IReadOnlyList<Target> Targets, int Boxes);

    private const string Colour = "#0f766e";

    public static Result Build(IReadOnlyList<CtProtocolDoses> protocols, Func<CtProtocolDoses, IReadOnlyList<double>> values,
        Func<CtProtocolDoses, IReadOnlyList<string>> studyUids, int allPointsUpTo)
    {
        var traces = new List<ITrace>();
        var targets = new List<Target>();
        // Plotly stacks categories bottom-up in trace order: reversed, so the most frequent protocol is on top.
        var withValues = protocols.Where(p => values(p).Count > 0).Reverse().ToList();
        foreach (var p in withValues)
        {
            var v = values(p);
            var uids = studyUids(p);
            if (v.Count <= allPointsUpTo)
            {
                traces.Add(new Box
                {
                    Name = p.Protocol,
                    Y = v.Select(_ => (object)p.Protocol).ToList(),
                    X = v.Select(x => (object)x).ToList(),
                    CustomData = uids.Select(u => (object)u).ToList(),
                    Orientation = BoxLib.OrientationEnum.H,
                    BoxPoints = BoxLib.BoxPointsEnum.All,
                    Jitter = 0.4m,
                    Marker = new BoxLib.Marker { Color = Colour, Size = 4 },
                    Line = new BoxLib.Line { Color = Colour, Width = 1.5m },
                    FillColor = "rgba(15,118,110,0.18)",
                    HoverOn = BoxLib.HoverOnFlag.Boxes | BoxLib.HoverOnFlag.Points,
                });
                targets.Add(new Target(p.Protocol, uids));
                continue;
            }
            var box = TukeyBox.Of(v)!;
            traces.Add(new Box
            {
                Name = p.Protocol,
                Y = [p.Protocol],
                Q1 = [box.Q1],
                Median = [box.Median],
                Q3 = [box.Q3],
                LowerFence = [box.LowerWhisker],
                UpperFence = [box.UpperWhisker],
                Orientation = BoxLib.OrientationEnum.H,
                Line = new BoxLib.Line { Color = Colour, Width = 1.5m },
                FillColor = "rgba(15,118,110,0.18)",
                HoverText = $"{box.Count:N0} values",
            });
            targets.Add(new Target(p.Protocol, []));
            traces.Add(new Scatter
            {
                Name = p.Protocol + " outliers",
                Mode = ScatterLib.ModeFlag.Markers,
                Y = box.OutlierIndexes.Select(_ => (object)p.Protocol).ToList(),
                X = box.OutlierIndexes.Select(i => (object)v[i]).ToList(),
                CustomData = box.OutlierIndexes.Select(i => (object)(i < uids.Count ? uids[i] : "")).ToList(),
                Marker = new ScatterLib.Marker { Color = Colour, Size = 4 },
                ShowLegend = false,
            });
            targets.Add(new Target(p.Protocol, box.OutlierIndexes.Select(i => i < uids.Count ? uids[i] : "").ToList()));
        }
        return new Result(traces, targets, withValues.Count);
    }
}
