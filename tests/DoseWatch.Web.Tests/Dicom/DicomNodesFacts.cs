using DoseWatch.Data.Audit;
using System.Globalization;
using System.Net;
using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests.Dicom;

/// <summary>
/// Issue #17's DICOM administration against real peers over loopback: the C-ECHO button's three answers (DCMTK
/// storescp answering, storescp --refuse refusing, a closed port), the calling-AE allow-list edited while the Store SCP
/// runs (DCMTK echoscu as the modality, strict mode), and the association log and nodes pages in words.
/// </summary>
public sealed class DicomNodesFacts : IAsyncLifetime
{
    private readonly string _aeTitle = $"DW{Random.Shared.Next(100000, 999999)}";
    private readonly int _dicomPort = DoseWatchApp.FreeTcpPort();
    private readonly TempDirectory _temp = new();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = _aeTitle,
        ["Dicom:Port"] = _dicomPort.ToString(CultureInfo.InvariantCulture),
        ["Dicom:AcceptUnknownDevices"] = "false",
        ["Dicom:KnownDevices:0:AeTitle"] = "CONFIG_CT",
    });

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    private DicomNodeVerification Verification => _app.Services.GetRequiredService<DicomNodeVerification>();

    private static DicomNode Node(string ae, string host, int port) => new(0, ae, host, port, Tls: false, "", SendsToUs: false, QueryRetrieve: true,
        Nightly: false, RetrieveMethod.Move, default);

    [Fact]
    public async Task CEcho_to_a_listening_storescp_succeeds_with_its_round_trip_time()
    {
        await using var storescp = await StorescpProcess.StartAsync(_temp.Path);
        var result = await Verification.VerifyAsync(Node(StorescpProcess.AeTitle, "127.0.0.1", storescp.Port));
        Assert.Equal(VerificationOutcome.Success, result.Outcome);
        Assert.InRange(result.RoundTripMilliseconds!.Value, 0.001, DicomNodeVerification.Timeout.TotalMilliseconds);
        Assert.Contains($"STORESCP at 127.0.0.1:{storescp.Port} answered the C-ECHO in", result.Words);
    }

    [Fact]
    public async Task CEcho_to_a_peer_that_refuses_says_so_with_the_reason_in_words()
    {
        await using var storescp = await StorescpProcess.StartAsync(_temp.Path, "--refuse");
        var refused = await Verification.VerifyAsync(Node(StorescpProcess.AeTitle, "127.0.0.1", storescp.Port));
        Assert.Equal((VerificationOutcome.Refused, null), (refused.Outcome, refused.RoundTripMilliseconds));
        Assert.Contains("refused: Association rejected", refused.Words);

        // DoseWatch's own Store SCP called by a wrong AE title: reason 7 in words.
        var wrongTitle = await Verification.VerifyAsync(Node("NOT_" + _aeTitle, "127.0.0.1", _dicomPort));
        Assert.Equal(VerificationOutcome.Refused, wrongTitle.Outcome);
        Assert.Contains("the peer is not called 'NOT_", wrongTitle.Words);
    }

    [Fact]
    public async Task CEcho_to_a_closed_port_or_a_sender_only_node_is_unreachable()
    {
        var closed = DoseWatchApp.FreeTcpPort();
        var result = await Verification.VerifyAsync(Node("NOBODY", "127.0.0.1", closed));
        Assert.Equal(VerificationOutcome.Unreachable, result.Outcome);
        Assert.Contains("nothing listens on that port (connection refused)", result.Words);

        var senderOnly = await Verification.VerifyAsync(Node("CT_ROOM", "", 0) with { SendsToUs = true, QueryRetrieve = false });
        Assert.Equal(VerificationOutcome.Unreachable, senderOnly.Outcome);
        Assert.Contains("only sends to DoseWatch", senderOnly.Words);
    }

    private Task<string> EchoscuAsync(string callingAe) =>
        Dcmtk.RunAsync("echoscu", "-aet", callingAe, "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_sender_added_while_running_is_let_in_by_the_next_association_and_shut_out_once_deleted()
    {
        var nodes = _app.Services.GetRequiredService<DicomNodeRepository>();
        var allowList = _app.Services.GetRequiredService<CallingAeAllowList>();
        // Strict mode: an unknown caller is refused (echoscu exits non-zero on the A-ASSOCIATE-RJ); the configuration file's entry still works.
        await Assert.ThrowsAsync<InvalidOperationException>(() => EchoscuAsync("NEW_CT"));
        await EchoscuAsync("CONFIG_CT");

        // What the nodes page does on Save: store, then reload the list in force.
        var id = (await nodes.AddAsync(Node("NEW_CT", "127.0.0.1", 0) with { SendsToUs = true, QueryRetrieve = false }))!.Value;
        await allowList.ReloadAsync();
        await EchoscuAsync("NEW_CT");

        // Bound to another address: the same title calling from loopback is refused again.
        Assert.True(await nodes.UpdateAsync((await nodes.GetAsync(id))! with { Host = "10.9.9.9" }));
        await allowList.ReloadAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => EchoscuAsync("NEW_CT"));

        Assert.True(await nodes.UpdateAsync((await nodes.GetAsync(id))! with { Host = "" }));
        await allowList.ReloadAsync();
        await EchoscuAsync("NEW_CT");
        await nodes.DeleteAsync(id);
        await allowList.ReloadAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => EchoscuAsync("NEW_CT"));
        await EchoscuAsync("CONFIG_CT");
    }

    [Fact]
    public async Task The_association_log_page_lists_what_echoscu_did_in_words_and_filters_it()
    {
        await EchoscuAsync("CONFIG_CT");
        await Assert.ThrowsAsync<InvalidOperationException>(() => EchoscuAsync("STRANGER"));
        var repository = _app.Services.GetRequiredService<AssociationRepository>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await repository.SearchAsync(new AssociationFilter(), 0, 10)).Total < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);

        using var admin = _app.CreateHttpClient();
        var html = await admin.GetStringAsync("/admin/associations");
        Assert.Contains(">CONFIG_CT<", html);
        Assert.Contains(">STRANGER<", html);
        Assert.Contains("data-field=\"outcome\">Released normally<", html);
        Assert.Contains("data-field=\"outcome\">Refused by DoseWatch<", html);
        Assert.Contains("Page 1 of 1 · 2 associations", html);
        foreach (var key in new[] { ">Released<", ">Rejected<", "AssociationUid", "1.2.840.10008" }) Assert.DoesNotContain(key, html);

        using var physicist = _app.CreateHttpClient(DoseWatch.Core.Access.Roles.Physicist, followRedirects: false);
        using var refused = await physicist.GetAsync("/admin/associations");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task The_nodes_page_lists_database_and_configuration_nodes_with_their_roles_in_words()
    {
        var nodes = _app.Services.GetRequiredService<DicomNodeRepository>();
        await nodes.AddAsync(Node("MAIN_PACS", "pacs.example", 104) with { Tls = true, Nightly = true, RetrieveMethod = RetrieveMethod.Get, Description = "Main archive" });
        using var admin = _app.CreateHttpClient();
        var html = await admin.GetStringAsync("/admin/dicom-nodes");
        Assert.Contains("pacs.example:104", html);
        Assert.Contains("Queried, retrieved by C-GET; nightly catch-up", html);
        Assert.Contains("data-configured-device=\"CONFIG_CT\"", html);
        Assert.Contains("Devices not on the list are refused", html);
        Assert.DoesNotContain("RetrieveMethod", html);
    }

    /// <summary>
    /// The administrator's round in Chromium: add a PACS and a sender with the nodes form, C-ECHO the PACS, let the new
    /// sender in (echoscu) without a restart, start a back-fill from the form; each page at 1280x800 and 768x1024 with
    /// nothing past the window's right edge (wide tables scroll inside their card).
    /// </summary>
    [Fact]
    public async Task An_administrator_manages_nodes_echoes_and_starts_a_backfill_in_the_browser_at_both_sizes()
    {
        await using var storescp = await StorescpProcess.StartAsync(_temp.Path);
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(_app, "/admin/dicom-nodes");
        using var _ = playwright;
        await using var __ = browser;

        await page.FillAsync("input[name=aeTitle]", StorescpProcess.AeTitle);
        await page.FillAsync("input[name=host]", "127.0.0.1");
        await page.FillAsync("input[name=port]", storescp.Port.ToString(CultureInfo.InvariantCulture));
        await page.FillAsync("input[name=description]", "Test archive");
        await page.ClickAsync("form[data-form=node] button[type=submit]");
        var pacsRow = page.Locator("tr[data-node=STORESCP]");
        await pacsRow.WaitForAsync(new() { Timeout = 10000 });
        await pacsRow.Locator("button[data-action=echo]").ClickAsync();
        var echo = page.Locator("tr[data-echo-result=STORESCP]");
        await echo.WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal("Success", await echo.Locator("[data-field=outcome]").InnerTextAsync());
        Assert.Matches(@"answered the C-ECHO in \d+ ms\.$", await echo.Locator("[data-field=words]").InnerTextAsync());

        await Assert.ThrowsAsync<InvalidOperationException>(() => EchoscuAsync("WARD_DX"));
        await page.FillAsync("input[name=aeTitle]", "WARD_DX");
        await page.FillAsync("input[name=host]", "");
        await page.FillAsync("input[name=port]", "0");
        await page.UncheckAsync("input[name=queryRetrieve]");
        await page.CheckAsync("input[name=sendsToUs]");
        await page.ClickAsync("form[data-form=node] button[type=submit]");
        await page.Locator("tr[data-node=WARD_DX]").WaitForAsync(new() { Timeout = 10000 });
        Assert.Equal("Sends to DoseWatch", await page.Locator("tr[data-node=WARD_DX] td").Nth(3).InnerTextAsync());
        await EchoscuAsync("WARD_DX");

        // Letting an AE in is security configuration: both additions are in the audit trail under the signed-in user.
        var added = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "dicom-node.add"))).Items;
        Assert.Contains(added, e => e.Target == $"STORESCP@127.0.0.1:{storescp.Port}" && e.Detail!.Contains("qr=True", StringComparison.Ordinal));
        Assert.Contains(added, e => e.Target == "WARD_DX@any address" && e.Detail!.Contains("sends=True", StringComparison.Ordinal));
        Assert.All(added, e => Assert.NotEqual("system", e.Actor));

        // A form error in words, nothing saved.
        await page.FillAsync("input[name=aeTitle]", "BAD\\AE");
        await page.ClickAsync("form[data-form=node] button[type=submit]");
        Assert.Contains("without a backslash", await page.Locator("[data-error]").InnerTextAsync());

        await page.GotoAsync(new Uri(_app.BaseAddress, "/admin/backfills").ToString());
        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
        await page.FillAsync("form[data-form=start-backfill] input[name=from]", "2024-03-01");
        await page.FillAsync("form[data-form=start-backfill] input[name=to]", "2024-03-31");
        await page.FillAsync("form[data-form=start-backfill] input[name=modalities]", "CT, DX");
        await page.ClickAsync("form[data-form=start-backfill] button[data-action=start]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/backfills\\?id=\\d+$"), new() { Timeout = 15000 });
        var journal = _app.Services.GetRequiredService<BackfillRepository>();
        var started = (await journal.GetAsync(Assert.Single(await journal.ListIdsAsync(10))))!;
        Assert.Equal(("127.0.0.1", storescp.Port, "STORESCP", new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 31)),
            (started.Request.Host, started.Request.Port, started.Request.CalledAeTitle, started.Request.From, started.Request.To));
        Assert.Equal(["CT", "DX"], started.Request.Modalities);

        var problems = new List<string>();
        foreach (var (width, height) in new[] { (1280, 800), (768, 1024) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in new[] { "/admin/dicom-nodes", "/admin/associations", "/admin/backfills" })
            {
                await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());
                await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
                if (path == "/admin/associations") await page.Locator("button[data-action=details]").First.ClickAsync();
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, $"dicom{path.Replace('/', '-')}-{width}x{height}.png"), FullPage = true });
                // Elements whose right edge passes the window, except inside a table that scrolls within its card.
                var past = await page.Locator("body").EvaluateAsync<string[]>("""
                    body => [...body.querySelectorAll('*')]
                        .filter(e => !e.closest('.table-responsive') || e.classList.contains('table-responsive'))
                        .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > window.innerWidth + 0.5)
                        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                    """);
                problems.AddRange(past.Select(p => $"{path} at {width}x{height}: {p}"));
                var html = await page.ContentAsync();
                foreach (var key in new[] { "RetrieveMethod", "QueryRetrieve", "AbortedByPeer", ">Released<", "1.2.840.10008" })
                    if (html.Contains(key, StringComparison.Ordinal)) problems.Add($"{path}: shows the internal '{key}'");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(consoleErrors);
    }
}
