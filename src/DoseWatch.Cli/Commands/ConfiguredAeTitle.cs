using System.Text.Json;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// The called AE title the CLI uses when none is given: DoseWatch's own (<c>Dicom:AeTitle</c>), read as the web app
/// reads it (the <c>Dicom__AeTitle</c> environment variable over <c>appsettings.json</c> in the working directory), else
/// the product default DOSEWATCH. A peer checking called AE titles rejects a made-up one, so never guess another.
/// </summary>
internal static class ConfiguredAeTitle
{
    public const string ProductDefault = "DOSEWATCH";

    public static string Value => FromEnvironment() ?? FromSettingsFile("appsettings.json") ?? ProductDefault;

    private static string? FromEnvironment() =>
        Environment.GetEnvironmentVariable("Dicom__AeTitle") is { Length: > 0 } ae ? ae : null;

    internal static string? FromSettingsFile(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return doc.RootElement.TryGetProperty("Dicom", out var dicom) && dicom.TryGetProperty("AeTitle", out var ae)
                && ae.ValueKind == JsonValueKind.String && ae.GetString() is { Length: > 0 } title ? title : null;
        }
        catch (JsonException)
        {
            return null;  // an unreadable settings file is the web app's error to report, not the echo's
        }
    }
}
