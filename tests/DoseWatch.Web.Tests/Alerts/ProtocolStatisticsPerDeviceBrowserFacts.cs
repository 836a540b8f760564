using System.Globalization;
using DoseWatch.Core.Access;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Presentation;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Issue #21: on /protocols each device row of a raw name shows that device's own statistics, so two scanners doing the
/// same protocol can be compared. One raw name is saved on two CT scanners with different CTDIvol values; the expected
/// counts, medians and P75s come from Python's statistics module over the values sent, not from DoseWatch.
/// Runs on the engine the test run selects (DOSEWATCH_TEST_DATABASE: SQLite, or PostgreSQL as scripts/test.sh does too).
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class ProtocolStatisticsPerDeviceBrowserFacts(AlertsAppFixture fixture)
{
    private const string Quartiles = """
        import json, statistics, sys
        request = json.load(sys.stdin)
        out = {}
        for device, values in request["devices"].items():
            q = statistics.quantiles(values, n=4, method="inclusive")
            out[device] = [len(values), q[1], q[2]]
        json.dump(out, sys.stdout)
        """;

    [Fact]
    public async Task Each_device_row_of_a_protocol_shows_that_devices_count_median_and_p75()
    {
        var suffix = Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var raw = $"ABDO COMPARE {suffix}";
        var first = new DeviceIdentity("ACME", "Compare A", $"CT-A-{suffix}", $"SNA-{suffix}", null);
        var second = new DeviceIdentity("ACME", "Compare B", $"CT-B-{suffix}", $"SNB-{suffix}", null);
        var sent = new Dictionary<DeviceIdentity, double[]>
        {
            [first] = [6.5, 7, 9.25, 12],
            [second] = [20, 21.5, 30, 31, 44, 52],
        };
        var day = new DateOnly(2025, 6, 10);
        var n = 0;
        foreach (var (device, values) in sent)
            foreach (var value in values)
                await fixture.SaveStudyAsync(device, $"2.25.68{suffix}{n++:D2}", raw, value, 120, day.AddDays(n % 5));
        var expected = IndependentPython.Run(new { devices = sent.ToDictionary(d => d.Key.Key, d => d.Value) }, "-c", Quartiles).AsObject();

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/protocols?period=custom&from=2025-06-01&to=2025-06-30", Roles.Physicist);
        using var _ = playwright;
        await using var __ = browser;
        var rows = page.Locator($"tr[data-raw='{raw}']");
        await rows.Nth(1).WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal(2, await rows.CountAsync());
        var medians = new List<string>();
        foreach (var device in sent.Keys)
        {
            var row = page.Locator($"tr[data-raw='{raw}'][data-device='{device.Key}']");
            var e = expected[device.Key]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
            Assert.Equal(((long)e[0]).ToString("N0", CultureInfo.InvariantCulture), (await row.Locator("[data-field=values]").InnerTextAsync()).Trim());
            Assert.Equal(sent[device].Length.ToString("N0", CultureInfo.InvariantCulture), (await row.Locator("[data-field=studies]").InnerTextAsync()).Trim());
            var median = await row.Locator("[data-field=median]").InnerTextAsync();
            Assert.StartsWith(DisplayText.Number(e[1]) + " ", median, StringComparison.Ordinal);
            Assert.StartsWith(DisplayText.Number(e[2]) + " ", await row.Locator("[data-field=p75]").InnerTextAsync(), StringComparison.Ordinal);
            medians.Add(median);
        }
        Assert.Equal(2, medians.Distinct().Count()); // the two scanners no longer show the same numbers
        Assert.Empty(consoleErrors);
    }
}
