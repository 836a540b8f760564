using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Core.Access;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Health;

/// <summary>
/// Issue #21: the navigation's "Health" opens a page for people, in sentences, while <c>/health</c> stays the probes' JSON.
/// The page's claims are checked against independent readings made at test time: DCMTK's echoscu against the port and
/// AE title the page names, <c>df</c> for the free space, the migration files for the schema version.
/// </summary>
[Collection(nameof(SharedApp))]
public sealed partial class HealthPageFacts(SharedApp shared)
{
    private static async Task<string> PageAsync(DoseWatchApp app, string role = Roles.Viewer)
    {
        using var client = app.CreateHttpClient(role);
        using var response = await client.GetAsync("/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The state and summary of one line of the page (<c>data-health="key"</c>).</summary>
    private static (string State, string Summary) Line(string html, string key)
    {
        var match = Regex.Match(html, $"""data-health="{key}" data-state="(\w+)".*?data-field="summary">([^<]*)</p>""", RegexOptions.Singleline);
        Assert.True(match.Success, $"no line {key} on the page");
        return (match.Groups[1].Value, WebUtility.HtmlDecode(match.Groups[2].Value));
    }

    [Fact]
    public async Task The_page_reads_out_each_part_in_words_and_its_claims_hold()
    {
        var html = await PageAsync(shared.App);

        // Database: the schema version is the newest script in migrations/ (read from the files, not from DoseWatch).
        var newest = Directory.GetFiles(Path.Combine(DoseWatch.Tests.SharedSamples.RepositoryRoot, "migrations"), "*.sql")
            .Select(f => int.Parse(Path.GetFileName(f)[..4], CultureInfo.InvariantCulture)).Max();
        var database = Line(html, "database");
        Assert.Equal("Working", database.State);
        Assert.Contains($"migrated to {newest:D4}", database.Summary);

        // DICOM listener: DCMTK's echoscu reaches the port and AE title the page names.
        var listener = Line(html, "dicomListener");
        Assert.Equal("Working", listener.State);
        var named = ListenerPattern().Match(listener.Summary);
        Assert.True(named.Success, listener.Summary);
        await Dcmtk.RunAsync("echoscu", "-aet", "HEALTHCHECK", "-aec", named.Groups["ae"].Value, "127.0.0.1", named.Groups["port"].Value);

        // Disk space: df's reading of the data directory, within 0.2 GB (other processes write meanwhile).
        var disk = Line(html, "diskSpace");
        var free = FreePattern().Match(disk.Summary);
        Assert.True(free.Success, disk.Summary);
        var df = (await Dcmtk.RunAsync("df", "-B1", "--output=avail,size", shared.App.DataDirectory)).Split('\n')[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        Assert.InRange(double.Parse(free.Groups["free"].Value, CultureInfo.InvariantCulture), df[0] / 1e9 - 0.2, df[0] / 1e9 + 0.2);
        Assert.Equal(df[1] / 1e9, double.Parse(free.Groups["total"].Value, CultureInfo.InvariantCulture), 0.11);

        Assert.Equal("Working", Line(html, "jobServer").State);
        Assert.Matches(@"^\d+ waiting, \d+ running, \d+ scheduled; ", Line(html, "jobQueue").Summary);
        Assert.Matches(@"^\d+ received files? waiting for extraction; \d+ that could not be read\.$", Line(html, "inbox").Summary);
    }

    [Fact]
    public async Task The_probe_endpoint_stays_json_with_the_same_checks()
    {
        using var client = shared.App.CreateHttpClient(role: null);
        using var response = await client.GetAsync("/health");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["status", "database", "jobServer"], body.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_listener_that_could_not_open_its_port_reads_not_working()
    {
        // The port is held by another listener, as when a second program already uses 11112.
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?> { ["Dicom:Port"] = port });

        var html = await PageAsync(app, Roles.Administrator);

        var listener = Line(html, "dicomListener");
        Assert.Equal("NotWorking", listener.State);
        Assert.Contains($"port {port} could not be opened", listener.Summary);
        Assert.Contains("data-overall=\"NotWorking\"", html);
    }

    [GeneratedRegex(@"as AE title (?<ae>\S+) on port (?<port>\d+)")]
    private static partial Regex ListenerPattern();

    [GeneratedRegex(@"^(?<free>[\d,.]+) GB free of (?<total>[\d,.]+) GB")]
    private static partial Regex FreePattern();
}
