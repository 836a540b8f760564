using System.Net;
using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests;

/// <summary>Without overrides, the app shows what the repository-root appsettings.json says.</summary>
public sealed class RootSettingsFacts
{
    [Fact]
    public async Task Overview_shows_the_dicom_settings_of_the_root_appsettings()
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(SharedSamples.RepositoryRoot, "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var dicom = json.RootElement.GetProperty("Dicom");
        await using var app = await DoseWatchApp.StartAsync();
        using var client = app.CreateHttpClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains($"data-field=\"ae-title\">{dicom.GetProperty("AeTitle").GetString()}<", html);
        Assert.Contains($"data-field=\"port\">{dicom.GetProperty("Port").GetInt32()}<", html);
    }
}
