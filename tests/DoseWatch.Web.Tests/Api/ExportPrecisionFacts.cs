using DoseWatch.Tests;
using DoseWatch.Web.Api;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// Issue #21: the XLSX export carried a DLP total of 989.8499999999999 (the binary sum of its events). Cells stay
/// numbers, rounded to the agreed precision (ten significant figures), read back by openpyxl, not by DoseWatch.
/// </summary>
public sealed class ExportPrecisionFacts
{
    private const string Reader = """
        import json, sys, openpyxl
        request = json.load(sys.stdin)
        sheet = openpyxl.load_workbook(request["xlsx"]).worksheets[0]
        json.dump([[c.data_type, c.value] for row in sheet.iter_rows(min_row=2) for c in row], sys.stdout)
        """;

    [Fact]
    public async Task Sums_reach_the_workbook_as_numbers_without_binary_noise_()
    {
        var sum = 329.95 + 329.95 + 329.95; // three acquisitions' DLP: 989.8499999999999 in binary
        Assert.NotEqual(989.85, sum);
        var table = new ExportTable(["DLP total (mGy.cm)", "CTDIvol (mGy)", "Activity (MBq)", "Events"]);
        table.Add(sum, 12.3456789012, 370.0, 3);
        var folder = Directory.CreateTempSubdirectory("dosewatch-xlsx-");
        try
        {
            var xlsxPath = Path.Combine(folder.FullName, "t.xlsx");
            await using (var xlsx = File.Create(xlsxPath)) table.WriteXlsx(xlsx, "T");
            var cells = IndependentPython.Run(new { xlsx = xlsxPath }, "-c", Reader)!.AsArray()
                .Select(c => (Type: c![0]!.GetValue<string>(), Value: c[1]!.GetValue<double>())).ToList();
            Assert.All(cells, c => Assert.Equal("n", c.Type));
            Assert.Equal([989.85, 12.3456789, 370.0, 3.0], cells.Select(c => c.Value));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
