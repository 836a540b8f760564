using System.Net;
using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests;

/// <summary>
/// Without overrides, the app shows what the repository-root appsettings.json says. (The DICOM port is the exception:
/// tests always listen on a free port, so the root file's port is checked by the configuration facts, not here.)
/// </summary>
public sealed class RootSettingsFacts
{
    [Fact]
    public async Task Overview_shows_the_ae_title_of_the_root_appsettings()
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(SharedSamples.RepositoryRoot, "appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var dicom = json.RootElement.GetProperty("Dicom");
        await using var app = await DoseWatchApp.StartAsync();
        using var client = app.CreateHttpClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains($"data-field=\"ae-title\">{dicom.GetProperty("AeTitle").GetString()}<", html);
    }
}
