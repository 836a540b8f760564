using Bunit;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Components.Dashboards.Modality;

namespace DoseWatch.Web.Tests.Dashboards;

/// <summary>
/// bUnit: the fluoroscopy page's peak skin dose table shows each device's studies at or above the default alert levels
/// (2, 3 and 5 Gy; 3 Gy the SIR / NCRP 168 substantial radiation dose level), with peaks in readable units.
/// </summary>
public sealed class PeakSkinDoseTableFacts : IDisposable
{
    private readonly BunitContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Each_device_shows_its_studies_at_or_above_2_3_and_5_Gy_and_the_rows_with_one_stand_out()
    {
        PeakSkinDoseByDevice[] devices =
        [
            new("key-angio", "ANGIO 1", 12, 2, 3.4, new Dictionary<double, long> { [2] = 4, [3] = 1, [5] = 0 }),
            new("key-rf", "RF ROOM", 30, 0, 0.0013, new Dictionary<double, long> { [2] = 0, [3] = 0, [5] = 0 }),
            new("key-zee", "Siemens AXIOM-Artis Zee", 0, 8, null, new Dictionary<double, long> { [2] = 0, [3] = 0, [5] = 0 }),
        ];

        var table = _context.Render<PeakSkinDoseTable>(p => p.Add(t => t.Devices, devices));

        Assert.Equal(["2", "3", "5"], table.FindAll("th[data-level]").Select(h => h.GetAttribute("data-level")!));
        Assert.Equal(["2 Gy", "3 Gy", "5 Gy"], table.FindAll("th[data-level] .unit").Select(h => h.TextContent.Trim()));
        string[] Row(string key) => table.Find($"tr[data-device={key}]").QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray();
        Assert.Equal(["ANGIO 1", "12", "2", "3.4 Gy", "4", "1", "0"], Row("key-angio"));
        // A peak of 1.3 mGy is written in mGy, not rounded to 0.001 Gy; a device without maps has no largest peak.
        Assert.Equal(["RF ROOM", "30", "0", "1.3 mGy", "0", "0", "0"], Row("key-rf"));
        Assert.Equal(["Siemens AXIOM-Artis Zee", "0", "8", "–", "0", "0", "0"], Row("key-zee"));
        Assert.Equal(["key-angio"], table.FindAll("tr.attention").Select(r => r.GetAttribute("data-device")!));
        Assert.NotNull(table.Find(".table-responsive > table"));
    }
}
