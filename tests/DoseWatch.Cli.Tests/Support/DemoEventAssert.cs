using System.Text.Json;
using DoseWatch.Core.Domain;

namespace DoseWatch.Cli.Tests.Support;

/// <summary>
/// One NM, MR or US event as an independent reader found it against the same event as DoseWatch holds it: extracted in
/// process, served by the REST API, or stored in SQL. Each holder is read through a map from the quantity to its name there.
/// </summary>
public static class DemoEventAssert
{
    public static void Same(IndependentEvent expected, IrradiationEvent actual) => Same(expected, name => name switch
    {
        "activity" => actual.AdministeredActivityMBq, "sar" => actual.SarWPerKg, "dbdt" => actual.DbdtTPerS, "b1rms" => actual.B1rmsUT,
        "mi" => actual.MechanicalIndex, "tis" => actual.ThermalIndexSoftTissue, "tib" => actual.ThermalIndexBone,
        _ => throw new ArgumentOutOfRangeException(name),
    }, name => name switch
    {
        "agent" => actual.RadiopharmaceuticalAgent, "radionuclide" => actual.Radionuclide?.Value, "sarDefinition" => actual.SarDefinition,
        "operatingMode" => actual.OperatingMode, "transducer" => actual.Transducer, "preset" => actual.Preset, "protocol" => actual.Protocol,
        _ => throw new ArgumentOutOfRangeException(name),
    });

    /// <summary>An event of <c>GET /api/v1/studies/{uid}</c>.</summary>
    public static void SameAsApi(IndependentEvent expected, JsonElement actual) => Same(expected,
        name => Number(actual, name switch
        {
            "activity" => "administeredActivityMBq", "sar" => "sarWPerKg", "dbdt" => "dbdtTPerS", "b1rms" => "b1rmsUT",
            "mi" => "mechanicalIndex", "tis" => "thermalIndexSoftTissue", "tib" => "thermalIndexBone", _ => throw new ArgumentOutOfRangeException(name),
        }),
        name => name switch
        {
            "agent" => Text(actual, "radiopharmaceuticalAgent"), "sarDefinition" => Text(actual, "sarDefinition"),
            "operatingMode" => Text(actual, "operatingMode"), "protocol" => Text(actual, "protocol"),
            // Not in the API's event: compared where the event is stored.
            "radionuclide" => expected.Radionuclide?.Code, "transducer" => expected.Transducer, "preset" => expected.Preset,
            _ => throw new ArgumentOutOfRangeException(name),
        });

    /// <summary>A row of <c>irradiation_events</c> as the sqlite3 shell prints it with <c>-json</c>.</summary>
    public static void SameAsRow(IndependentEvent expected, JsonElement row) => Same(expected,
        name => Number(row, name switch
        {
            "activity" => "administered_activity_mbq", "sar" => "sar_w_per_kg", "dbdt" => "dbdt_t_per_s", "b1rms" => "b1rms_ut",
            "mi" => "mechanical_index", "tis" => "thermal_index_soft_tissue", "tib" => "thermal_index_bone", _ => throw new ArgumentOutOfRangeException(name),
        }),
        name => Text(row, name switch
        {
            "agent" => "radiopharmaceutical_agent", "radionuclide" => "radionuclide_code", "sarDefinition" => "sar_definition",
            "operatingMode" => "operating_mode", "transducer" => "transducer", "preset" => "preset", "protocol" => "protocol",
            _ => throw new ArgumentOutOfRangeException(name),
        }));

    private static void Same(IndependentEvent e, Func<string, double?> number, Func<string, string?> text)
    {
        var where = $"{e.Kind} {Path.GetFileName(e.File)} event {e.EventUid}";
        switch (e.Kind)
        {
            case "NM":
                PydicomReading.AssertSame(e.AdministeredActivityMBq, number("activity"), $"{where} administered activity");
                Assert.Equal(e.Agent, text("agent"));
                Assert.Equal(e.Radionuclide?.Code, text("radionuclide"));
                break;
            case "MR":
                Assert.Equal(e.Protocol, text("protocol"));
                PydicomReading.AssertSame(e.SarWPerKg, number("sar"), $"{where} SAR");
                PydicomReading.AssertSame(e.DbdtTPerS, number("dbdt"), $"{where} dB/dt");
                DemoObjectReading.AssertFloat(e.B1rmsUT, number("b1rms"), $"{where} B1rms");
                Assert.Equal(e.SarDefinition, text("sarDefinition"));
                Assert.Equal(e.OperatingModes, DemoObjectReading.Pairs(text("operatingMode")));
                break;
            case "US":
                Assert.Equal(e.Protocol, text("protocol"));
                PydicomReading.AssertSame(e.MechanicalIndex, number("mi"), $"{where} MI");
                PydicomReading.AssertSame(e.ThermalIndexSoftTissue, number("tis"), $"{where} TIS");
                PydicomReading.AssertSame(e.ThermalIndexBone, number("tib"), $"{where} TIB");
                Assert.Equal(e.Transducer, text("transducer"));
                Assert.Equal(e.Preset, text("preset"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "not an NM, MR or US event");
        }
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
