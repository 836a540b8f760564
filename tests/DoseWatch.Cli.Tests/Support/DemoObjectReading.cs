using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Dicom.Tests.IO;

namespace DoseWatch.Cli.Tests.Support;

/// <summary>What an independent reader found for one NM administration, MR series or ultrasound image of a demo object.</summary>
public sealed record IndependentEvent(string File, string Kind, string StudyUid, string EventUid)
{
    public string? Protocol { get; init; }
    public double? AdministeredActivityMBq { get; init; }
    public string? Agent { get; init; }
    public (string Code, string Scheme)? Radionuclide { get; init; }
    public double? PatientWeightKg { get; init; }
    public double? SarWPerKg { get; init; }
    public string? SarDefinition { get; init; }
    /// <summary>(type, mode) pairs of the Operating Mode Sequence, as dcmdump prints them.</summary>
    public IReadOnlyList<(string Type, string Mode)> OperatingModes { get; init; } = [];
    public double? DbdtTPerS { get; init; }
    public double? B1rmsUT { get; init; }
    public double? MechanicalIndex { get; init; }
    public double? ThermalIndexSoftTissue { get; init; }
    public double? ThermalIndexBone { get; init; }
    public string? Transducer { get; init; }
    public string? Preset { get; init; }
}

/// <summary>
/// The nuclear medicine, MR and ultrasound events of demo objects as pydicom 2.3.1 (read_dose.py: the TID 10022
/// containers, the image headers) and DCMTK's dcmdump (the SAR definition and the Operating Mode Sequence, which the
/// script does not print) read them. No DoseWatch code is involved.
/// </summary>
public static partial class DemoObjectReading
{
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const string UsImageStorage = "1.2.840.10008.5.1.4.1.1.6.1";
    public const string RadiopharmaceuticalSr = "1.2.840.10008.5.1.4.1.1.88.68";

    public static string SopClass(JsonElement reading) => reading.GetProperty("sopClassUid").GetString()!;

    public static IReadOnlyList<IndependentEvent> Events(IReadOnlyDictionary<string, JsonElement> readings)
    {
        var events = new List<IndependentEvent>();
        foreach (var (file, reading) in readings)
        {
            var study = reading.GetProperty("studyInstanceUid").GetString()!;
            var header = reading.GetProperty("header");
            switch (SopClass(reading))
            {
                case RadiopharmaceuticalSr:
                    foreach (var ev in PydicomReading.Events(reading))
                        events.Add(new IndependentEvent(file, "NM", study, PydicomReading.Text(ev, "113503")!)
                        {
                            AdministeredActivityMBq = PydicomReading.Canonical(ev, "113507", "MBq"),
                            Agent = ev[("417881006", "SCT")].GetProperty("value").GetProperty("meaning").GetString(),
                            Radionuclide = ev.TryGetValue(("89457008", "SCT"), out var nuclide) && nuclide.GetProperty("value") is var v
                                ? (v.GetProperty("code").GetString()!, v.GetProperty("scheme").GetString()!) : null,
                            PatientWeightKg = reading.GetProperty("patientWeight").EnumerateArray().Select(w => w.GetDouble()).FirstOrDefault(),
                        });
                    break;
                case MrImageStorage:
                    var (definition, modes) = Dcmdump(file);
                    events.Add(new IndependentEvent(file, "MR", study, reading.GetProperty("seriesInstanceUid").GetString()!)
                    {
                        Protocol = Text(header, "ProtocolName"), SarWPerKg = Number(header, "SAR"), DbdtTPerS = Number(header, "dBdt"),
                        B1rmsUT = Number(header, "B1rms"), SarDefinition = definition, OperatingModes = modes,
                    });
                    break;
                case UsImageStorage:
                    events.Add(new IndependentEvent(file, "US", study, reading.GetProperty("sopInstanceUid").GetString()!)
                    {
                        Protocol = Text(header, "ProtocolName"), MechanicalIndex = Number(header, "MechanicalIndex"),
                        ThermalIndexSoftTissue = Number(header, "SoftTissueThermalIndex"), ThermalIndexBone = Number(header, "BoneThermalIndex"),
                        Transducer = Text(header, "TransducerData"), Preset = Text(header, "ProcessingFunction"),
                    });
                    break;
            }
        }
        return events;
    }

    /// <summary>"RF:IEC_NORMAL; GRADIENT:IEC_FIRST_LEVEL" (DoseWatch's operating mode text) as (type, mode) pairs.</summary>
    public static IReadOnlyList<(string Type, string Mode)> Pairs(string? modes) =>
        (modes ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':', 2)).Select(p => p.Length == 2 ? (p[0], p[1]) : ("", p[0])).ToList();

    /// <summary>The RF mode of the pairs: the mode SAR is limited by.</summary>
    public static string? RfMode(IReadOnlyList<(string Type, string Mode)> modes) => modes.FirstOrDefault(m => m.Type == "RF").Mode;

    private static (string? Definition, IReadOnlyList<(string, string)> Modes) Dcmdump(string file)
    {
        var run = ExternalTool.Run("dcmdump", ["-q", "+P", "0018,9179", "+P", "0018,9177", "+P", "0018,9178", file]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = DcmdumpLine().Matches(run.StdOut).Select(m => (Tag: m.Groups[1].Value, Value: m.Groups[2].Value.Trim())).ToList();
        var types = lines.Where(l => l.Tag == "0018,9177").Select(l => l.Value).ToList();
        var modes = lines.Where(l => l.Tag == "0018,9178").Select(l => l.Value).ToList();
        Assert.Equal(types.Count, modes.Count);
        return (lines.Where(l => l.Tag == "0018,9179").Select(l => l.Value).FirstOrDefault(), types.Zip(modes).ToList());
    }

    private static double? Number(JsonElement header, string keyword) =>
        header.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? v[0].GetDouble() : null;

    private static string? Text(JsonElement header, string keyword) =>
        header.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex(@"^\s*\(([0-9a-f]{4},[0-9a-f]{4})\) CS \[([^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex DcmdumpLine();

    /// <summary>Equal to 1e-9 relative, or at float precision for an FL value (B1rms).</summary>
    public static void AssertFloat(double? expected, double? actual, string what)
    {
        Assert.True(expected is null == actual is null, $"{what}: independent {expected}, DoseWatch {actual}");
        if (expected is { } e) Assert.True(Math.Abs(e - actual!.Value) <= 1e-6 * Math.Max(1, Math.Abs(e)), $"{what}: independent {e.ToString(CultureInfo.InvariantCulture)}, DoseWatch {actual}");
    }
}
