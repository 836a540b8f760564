using Bunit;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Components.Dashboards.Modality;

namespace DoseWatch.Web.Tests.Dashboards;

/// <summary>
/// bUnit: the MR table holds each row to the IEC 60601-2-33 limit of its SAR definition and RF operating mode
/// (reference §8.4: whole body 2 W/kg normal, 4 W/kg first level; head 3.2 W/kg; second level: no fixed limit).
/// </summary>
public sealed class SarModeTableFacts : IDisposable
{
    private readonly BunitContext _context = new();

    public void Dispose() => _context.Dispose();

    // Series above 2, 3.2, 4 and 10 W/kg: 5, 3, 1, 0.
    private static readonly Dictionary<double, long> Above = new() { [2] = 5, [3.2] = 3, [4] = 1, [10] = 0 };

    [Fact]
    public void Each_row_shows_the_limit_of_its_mode_and_the_series_above_it()
    {
        SarModeSummary[] modes =
        [
            new("t1_se", null, null, 9, 4.5, Above),
            new("t2_tse", "IEC_WHOLE_BODY", "RF:IEC_FIRST_LEVEL; GRADIENT:IEC_NORMAL", 9, 4.5, Above),
            new("head_dwi", "IEC_HEAD", "IEC_NORMAL", 9, 4.5, Above),
            new("research", "IEC_WHOLE_BODY", "IEC_SECOND_LEVEL", 9, 4.5, Above),
        ];
        var table = _context.Render<SarModeTable>(p => p.Add(t => t.Modes, modes));

        string Cell(string protocol, int column) => table.Find($"tr[data-protocol={protocol}]").QuerySelectorAll("td")[column].TextContent.Trim();
        // Missing definition and mode: whole body, normal mode → 2 W/kg, 5 series above.
        Assert.Equal(("2", "5"), (Cell("t1_se", 5), Cell("t1_se", 6)));
        Assert.Equal("whole body (assumed)", Cell("t1_se", 1));
        // The RF part of a typed mode list decides: first level → 4 W/kg, 1 series above.
        Assert.Equal(("4", "1"), (Cell("t2_tse", 5), Cell("t2_tse", 6)));
        Assert.Equal(("3.2", "3"), (Cell("head_dwi", 5), Cell("head_dwi", 6)));
        Assert.Equal(("none", "0"), (Cell("research", 5), Cell("research", 6)));
        // Rows with series above their limit stand out; the second-level row does not.
        Assert.Equal(["t1_se", "t2_tse", "head_dwi"], table.FindAll("tr.attention").Select(r => r.GetAttribute("data-protocol")!));
        Assert.Contains("W/kg", table.Find("thead").TextContent);
    }
}
