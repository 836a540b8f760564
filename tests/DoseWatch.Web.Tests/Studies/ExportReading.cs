using System.Text;
using System.Text.Json;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Studies;

/// <summary>Reads exports back without the product's code: CSV by RFC 4180 here, XLSX by openpyxl in Debian's Python.</summary>
public static class ExportReading
{
    public static List<List<string>> Csv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n': row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        return rows;
    }

    /// <summary>Every cell of the first sheet as openpyxl reads it: numbers as JSON numbers, text as strings, empty as null.</summary>
    public static async Task<List<List<JsonElement>>> XlsxAsync(string path)
    {
        const string script = """
            import json, sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0]
            print(json.dumps([[c for c in row] for row in ws.iter_rows(values_only=True)]))
            """;
        var output = await Dcmtk.RunAsync("/usr/bin/python3", "-c", script, path);
        return JsonSerializer.Deserialize<List<List<JsonElement>>>(output)!;
    }
}
