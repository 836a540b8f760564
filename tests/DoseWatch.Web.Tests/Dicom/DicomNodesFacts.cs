using System.Globalization;
using System.Net;
using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

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
}
