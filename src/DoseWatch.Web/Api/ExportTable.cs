using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DoseWatch.Core.Presentation;
using DoseWatch.Data.Export;

namespace DoseWatch.Web.Api;

/// <summary>
/// A rectangular export: header row and cells that are text, numbers or empty. Written as CSV (RFC 4180, UTF-8 with BOM
/// so spreadsheet programs pick the encoding) or as a minimal Office Open XML workbook (one sheet, inline strings).
/// Numbers stay numbers, rounded to ten significant figures (<see cref="DisplayText.ExportNumber"/>: no binary noise of
/// sums such as 989.8499999999999) and written round-trip ("R"), invariant culture. CSV text
/// cells that a spreadsheet would run as a formula are neutralised (<see cref="CsvCell"/>); in the workbook every text
/// cell is an inline string, which is never evaluated.
/// </summary>
public sealed class ExportTable(IReadOnlyList<string> headers)
{
    public IReadOnlyList<string> Headers { get; } = headers;

    public List<object?[]> Rows { get; } = [];

    public void Add(params object?[] cells)
    {
        if (cells.Length != Headers.Count) throw new ArgumentException($"{cells.Length} cells for {Headers.Count} columns");
        Rows.Add([.. cells.Select(c => c is double d ? DisplayText.ExportNumber(d) : c)]);
    }

    public static string Text(object? cell) => cell switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int or long => Convert.ToString(cell, CultureInfo.InvariantCulture)!,
        _ => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? "",
    };

    public async Task WriteCsvAsync(Stream output, CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(",", Headers.Select(CsvCell.Write)));
        foreach (var row in Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(",", row.Select(c => CsvCell.Write(Text(c)))));
        }
    }

    /// <summary>An .xlsx (ECMA-376 SpreadsheetML) with the table on one sheet named <paramref name="sheetName"/>.</summary>
    public void WriteXlsx(Stream output, string sheetName)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        Part(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
            """);
        Part(zip, "_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """);
        Part(zip, "xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{System.Security.SecurityElement.Escape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>
            """);
        Part(zip, "xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
            """);
        using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open();
        using var xml = XmlWriter.Create(sheet, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        const string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        xml.WriteStartDocument(standalone: true);
        xml.WriteStartElement("worksheet", ns);
        xml.WriteStartElement("sheetData", ns);
        WriteRow(xml, ns, 1, Headers.Cast<object?>().ToArray());
        for (var i = 0; i < Rows.Count; i++) WriteRow(xml, ns, i + 2, Rows[i]);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteRow(XmlWriter xml, string ns, int number, object?[] cells)
    {
        xml.WriteStartElement("row", ns);
        xml.WriteAttributeString("r", number.ToString(CultureInfo.InvariantCulture));
        for (var c = 0; c < cells.Length; c++)
        {
            if (cells[c] is null) continue;
            xml.WriteStartElement("c", ns);
            xml.WriteAttributeString("r", ColumnName(c) + number.ToString(CultureInfo.InvariantCulture));
            if (cells[c] is double or int or long)
            {
                xml.WriteElementString("v", ns, Text(cells[c]));
            }
            else
            {
                xml.WriteAttributeString("t", "inlineStr");
                xml.WriteStartElement("is", ns);
                xml.WriteStartElement("t", ns);
                xml.WriteAttributeString("xml", "space", null, "preserve");
                xml.WriteString(XmlSafe(Text(cells[c])));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    /// <summary>A, B, ..., Z, AA, AB, ... for the zero-based column index.</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    // Device-sent text may hold control characters XML 1.0 cannot carry; they are dropped rather than failing the export.
    private static string XmlSafe(string text) => text.Any(ch => ch < 0x20 && ch is not ('\t' or '\n' or '\r'))
        ? new string(text.Where(ch => ch >= 0x20 || ch is '\t' or '\n' or '\r').ToArray()) : text;

    private static void Part(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        var bytes = new UTF8Encoding(false).GetBytes(content.Trim());
        stream.Write(bytes);
    }
}
