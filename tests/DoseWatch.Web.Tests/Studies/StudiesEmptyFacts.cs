namespace DoseWatch.Web.Tests.Studies;

/// <summary>A new installation (the shared, empty app): the browser and the device page say how to get data in.</summary>
[Collection(nameof(SharedApp))]
public sealed class StudiesEmptyFacts(SharedApp shared)
{
    [Fact]
    public async Task An_empty_browser_shows_how_to_connect_a_modality_and_load_the_demo()
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(shared.App, "/studies");
        using var _ = playwright;
        await using var __ = browser;

        Assert.Equal(shared.AeTitle, await page.InnerTextAsync("[data-field=ae-title]"));
        Assert.Equal(shared.DicomPort.ToString(), await page.InnerTextAsync("[data-field=port]"));
        var demo = await page.InnerTextAsync("[data-section=demo] pre.code");
        Assert.Contains("dosewatch demo", demo);
        Assert.Contains($"--port {shared.DicomPort} --aec {shared.AeTitle}", demo);
        Assert.Equal(0, await page.Locator("table[data-section=studies]").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "studies-empty.png"), FullPage = true });

        await page.ClickAsync("nav a.nav-link[href=devices]");
        await page.WaitForSelectorAsync("[data-section=demo]", new() { Timeout = 5000 });
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task The_export_refuses_an_unknown_format_and_a_dose_range_without_modality()
    {
        using var client = shared.App.CreateHttpClient();
        using var format = await client.GetAsync("/api/v1/studies/export?format=pdf");
        using var dose = await client.GetAsync("/api/v1/studies/export?format=csv&doseMin=10");
        using var empty = await client.GetAsync("/api/v1/studies/export?format=csv&modality=CT");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, format.StatusCode);
        Assert.Contains("format", await format.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, dose.StatusCode);
        Assert.Equal("text/csv", empty.Content.Headers.ContentType?.MediaType);
        // The empty app exports a header row and nothing else.
        Assert.Single(ExportReading.Csv((await empty.Content.ReadAsStringAsync()).TrimStart('\uFEFF')));
    }
}
