using System.Text.RegularExpressions;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests;

/// <summary>
/// The real pipeline (Store SCP, inbox, Hangfire, the dose extractor) fills the Overview: once a study exists the empty
/// state gives way to the totals. Expected numbers come from DCMTK reading the same files.
/// </summary>
public sealed partial class OverviewWithDataFacts
{
    [SamplesFact]
    public async Task After_an_rdsr_arrives_the_overview_shows_its_study_and_events()
    {
        var samples = new[] { SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm"), SharedSamples.Path_("openrem/DX-RDSR-Canon_CXDI.dcm") };
        var studies = new HashSet<string>();
        var events = 0;
        foreach (var sample in samples)
        {
            studies.Add(await Dcmtk.ReadUidAsync(sample, "0020,000d"));
            events += IrradiationEventUid().Matches(await Dcmtk.RunAsync("dsrdump", "+Pc", sample)).Count;
        }
        var dicomPort = DoseWatchApp.FreeTcpPort();
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:Port"] = dicomPort.ToString(),
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        });

        await Dcmtk.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", dicomPort.ToString(), .. samples]);
        foreach (var sample in samples)
            await InboxSeam.WaitForStatusAsync(app, await Dcmtk.ReadUidAsync(sample, "0008,0018"), "extracted");
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(app, "/");
        using var _ = playwright;
        await using var __ = browser;

        Assert.Equal(studies.Count.ToString(), await page.InnerTextAsync("[data-count=studies]"));
        Assert.Equal(events.ToString(), await page.InnerTextAsync("[data-count=events]"));
        Assert.Equal(0, await page.Locator(".empty-state").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "overview-with-data.png"), FullPage = true });
        await page.ClickAsync("a.link-card[href=devices]");
        await page.WaitForSelectorAsync("table.table tbody tr", new() { Timeout = 5000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "devices.png"), FullPage = true });
        Assert.Empty(consoleErrors);
    }

    [GeneratedRegex(@"UIDREF:\(113769,DCM,")]
    private static partial Regex IrradiationEventUid();
}
