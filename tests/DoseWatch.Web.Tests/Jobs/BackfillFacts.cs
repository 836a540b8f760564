using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// Back-fill by Query/Retrieve from real archives (Orthanc, DCMTK dcmqrscp) into a running DoseWatch: started and
/// followed through the REST API, the retrieved objects take the push path, and end as the same values as when the
/// same files are pushed with storescu to another DoseWatch. Seeded studies: CT RDSR on 1 March, a DX image on
/// 15 March, an RF RDSR on 2 April; the back-fill asks for March.
/// </summary>
public sealed class BackfillFacts : IAsyncLifetime
{
    private readonly string _aeTitle = $"DW{Random.Shared.Next(100000, 999999)}";
    private readonly int _dicomPort = DoseWatchApp.FreeTcpPort();
    private readonly TempDirectory _temp = new();
    private DoseWatchApp _app = null!;
    private SeededStudy _ct = null!, _dx = null!, _rf = null!;

    public async Task InitializeAsync()
    {
        _app = await StartAppAsync(_aeTitle, _dicomPort);
        if (!SharedSamples.Available) return;
        _ct = await SeededStudies.MakeAsync(_temp, new DateOnly(2024, 3, 1), "BF0001", SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm"));
        _dx = await SeededStudies.MakeAsync(_temp, new DateOnly(2024, 3, 15), "BF0002", SharedSamples.Path_("openrem/DX-Im-Carestream_DRX.dcm"));
        _rf = await SeededStudies.MakeAsync(_temp, new DateOnly(2024, 4, 2), "BF0003", SharedSamples.Path_("openrem/RF-RDSR-GE.dcm"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    private IEnumerable<string> SeededFiles => [.. _ct.Files, .. _dx.Files, .. _rf.Files];

    private static Task<DoseWatchApp> StartAppAsync(string aeTitle, int port) => DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = aeTitle,
        ["Dicom:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        ["DoseWatch:Backfill:InstancesPerSecond"] = "0",
        ["DoseWatch:Backfill:PauseBetweenStudies"] = "00:00:00",
    });

    [SamplesFact]
    public async Task A_backfill_from_orthanc_lands_the_same_values_as_a_push()
    {
        await using var orthanc = await OrthancProcess.StartAsync(new Dictionary<string, (string, int)> { ["dosewatch"] = (_aeTitle, _dicomPort) });
        foreach (var f in SeededFiles) await orthanc.UploadAsync(f);

        using var client = _app.CreateHttpClient();
        var start = await client.PostAsJsonAsync("/api/v1/backfills", new
        {
            host = "127.0.0.1", port = orthanc.DicomPort, calledAeTitle = OrthancProcess.AeTitle, from = "2024-03-01", to = "2024-03-31",
        });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var done = await WaitForBackfillAsync(client, id);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        var outcomes = done.GetProperty("studyOutcomes").EnumerateArray().ToDictionary(s => s.GetProperty("studyInstanceUid").GetString()!);
        Assert.Equal([_ct.StudyInstanceUid, _dx.StudyInstanceUid], outcomes.Keys.Order(StringComparer.Ordinal).OrderBy(k => k == _dx.StudyInstanceUid));
        Assert.All(outcomes.Values, s => Assert.Equal(("retrieved", 1, 1, 0), (s.GetProperty("outcome").GetString(), s.GetProperty("requested").GetInt32(),
            s.GetProperty("retrieved").GetInt32(), s.GetProperty("failed").GetInt32())));
        Assert.Equal(2, done.GetProperty("instancesRetrieved").GetInt32());

        await AssertSameAsPushAsync(client, _ct, _dx);
        // April was not asked for.
        using var april = await client.GetAsync($"/api/v1/studies/{_rf.StudyInstanceUid}");
        Assert.Equal(HttpStatusCode.NotFound, april.StatusCode);
    }

    /// <summary>The same files pushed by storescu to a DoseWatch of their own end as the same events and totals as <paramref name="client"/>'s.</summary>
    private static async Task AssertSameAsPushAsync(HttpClient client, params SeededStudy[] studies)
    {
        var pushAe = $"DW{Random.Shared.Next(100000, 999999)}";
        var pushPort = DoseWatchApp.FreeTcpPort();
        await using var pushed = await StartAppAsync(pushAe, pushPort);
        await Dcmtk.RunAsync("storescu", ["-aet", "PUSH_SCU", "-aec", pushAe, "127.0.0.1", pushPort.ToString(CultureInfo.InvariantCulture), .. studies.SelectMany(s => s.Files)]);
        using var pushedClient = pushed.CreateHttpClient();
        foreach (var study in studies)
        {
            var viaBackfill = await WaitForStudyAsync(client, study.StudyInstanceUid);
            var viaPush = await WaitForStudyAsync(pushedClient, study.StudyInstanceUid);
            Assert.Equal(viaPush.GetProperty("events").GetRawText(), viaBackfill.GetProperty("events").GetRawText());
            Assert.Equal(viaPush.GetProperty("totals").GetRawText(), viaBackfill.GetProperty("totals").GetRawText());
            Assert.True(viaBackfill.GetProperty("events").GetArrayLength() > 0);
        }
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task A_cget_backfill_from_an_archive_that_cannot_move_to_us_lands_the_same_values_as_a_push(string peer)
    {
        // Neither archive can move to DoseWatch, so only C-GET can retrieve (PS3.4 C.4.3): dcmqrscp does not know it as a
        // destination; Orthanc (which answers only the AEs it lists) has it at a port where nothing listens.
        await using IAsyncDisposable archive = peer == "dcmqrscp"
            ? await DcmqrscpProcess.StartAsync(SeededFiles)
            : await OrthancProcess.StartAsync(new Dictionary<string, (string, int)> { ["dosewatch"] = (_aeTitle, DoseWatchApp.FreeTcpPort()) });
        var (port, calledAe) = archive switch
        {
            DcmqrscpProcess d => (d.Port, DcmqrscpProcess.AeTitle),
            OrthancProcess o => (o.DicomPort, OrthancProcess.AeTitle),
            _ => throw new InvalidOperationException(),
        };
        if (archive is OrthancProcess orthanc) foreach (var f in SeededFiles) await orthanc.UploadAsync(f);

        using var client = _app.CreateHttpClient();
        var start = await client.PostAsJsonAsync("/api/v1/backfills", new
        {
            host = "127.0.0.1", port, calledAeTitle = calledAe, from = "2024-03-01", to = "2024-03-31", retrieveMethod = "get",
        });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var done = await WaitForBackfillAsync(client, (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var outcomes = done.GetProperty("studyOutcomes").EnumerateArray().ToList();
        Assert.Equal([_ct.StudyInstanceUid, _dx.StudyInstanceUid], outcomes.Select(s => s.GetProperty("studyInstanceUid").GetString()).Order(StringComparer.Ordinal).OrderBy(k => k == _dx.StudyInstanceUid));
        Assert.All(outcomes, s => Assert.Equal(("retrieved", 1, 1, 0), (s.GetProperty("outcome").GetString(), s.GetProperty("requested").GetInt32(),
            s.GetProperty("retrieved").GetInt32(), s.GetProperty("failed").GetInt32())));
        // Nothing came through the Store SCP: the instances arrived on the query association.
        Assert.Equal(0, (await WaitForStoredAsync(0)).Sum(a => a.InstancesStored));
        await AssertSameAsPushAsync(client, _ct, _dx);
    }

    [SamplesFact]
    public async Task An_interrupted_backfill_from_dcmqrscp_resumes_without_asking_twice()
    {
        await using var qr = await DcmqrscpProcess.StartAsync(SeededFiles, new Dictionary<string, int> { [_aeTitle] = _dicomPort });
        var journal = _app.Services.GetRequiredService<BackfillRepository>();
        var id = await journal.CreateAsync(new BackfillRequest("127.0.0.1", qr.Port, DcmqrscpProcess.AeTitle, _aeTitle, _aeTitle,
            new DateOnly(2024, 3, 1), new DateOnly(2024, 4, 30), []));

        // The first run stops (as on a shutdown) as soon as its first study is recorded.
        using var stop = new CancellationTokenSource();
        var interrupted = new StopAfterFirstStudy(journal, stop);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new BackfillRunner(interrupted, TimeProvider.System).RunAsync(id, new BackfillThrottle(), stop.Token));
        var afterStop = await journal.StudiesAsync(id);
        Assert.Equal(3, afterStop.Count);
        Assert.Single(afterStop, s => s.Result.Outcome == BackfillStudyOutcome.Retrieved);
        Assert.Equal(2, afterStop.Count(s => s.Result.Outcome == BackfillStudyOutcome.Pending));

        await new BackfillRunner(journal, TimeProvider.System).RunAsync(id, new BackfillThrottle(), CancellationToken.None);
        // A third run finds nothing left to do and asks the archive for nothing.
        await new BackfillRunner(journal, TimeProvider.System).RunAsync(id, new BackfillThrottle(), CancellationToken.None);

        var record = (await journal.GetAsync(id))!;
        Assert.Equal((BackfillStatus.Completed, 3, 3, 3), (record.Status, record.Studies, record.StudiesDone, record.InstancesRetrieved));
        // Each seeded instance crossed the network once: dcmqrscp's C-STORE sub-operations, as the association log counts them.
        var associations = await WaitForStoredAsync(3);
        Assert.Equal(3, associations.Where(a => a.CallingAe == DcmqrscpProcess.AeTitle).Sum(a => a.InstancesStored));
        var inbox = await _app.Services.GetRequiredService<InstanceRepository>().CountAsync([]);
        Assert.Equal(3, inbox);

        // A new back-fill of the same dates finds everything stored already and retrieves nothing.
        var again = await journal.CreateAsync(new BackfillRequest("127.0.0.1", qr.Port, DcmqrscpProcess.AeTitle, _aeTitle, _aeTitle,
            new DateOnly(2024, 3, 1), new DateOnly(2024, 4, 30), []));
        await new BackfillRunner(journal, TimeProvider.System).RunAsync(again, new BackfillThrottle(), CancellationToken.None);
        Assert.All(await journal.StudiesAsync(again), s => Assert.Equal(BackfillStudyOutcome.AlreadyStored, s.Result.Outcome));
        await Task.Delay(500);  // room for a stray association to be logged, if one were opened
        Assert.Equal(3, (await WaitForStoredAsync(3)).Where(a => a.CallingAe == DcmqrscpProcess.AeTitle).Sum(a => a.InstancesStored));
    }

    [SamplesFact]
    public async Task An_archive_that_does_not_know_us_fails_each_study_in_words_and_the_run_completes()
    {
        // dcmqrscp without DoseWatch in its HostTable refuses every C-MOVE to it (PS3.4 C.4.2.1.5, 0xA801).
        await using var qr = await DcmqrscpProcess.StartAsync(SeededFiles);
        using var client = _app.CreateHttpClient();
        var start = await client.PostAsJsonAsync("/api/v1/backfills", new
        {
            host = "127.0.0.1", port = qr.Port, calledAeTitle = DcmqrscpProcess.AeTitle, from = "2024-03-01", to = "2024-03-31", modalities = new[] { "CT" },
        });
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var done = await WaitForBackfillAsync(client, id);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var outcomes = done.GetProperty("studyOutcomes").EnumerateArray().ToList();
        // dcmqrscp returns no Modalities in Study, so both March studies are listed; the DX one has no CT series to ask for.
        var ct = Assert.Single(outcomes, s => s.GetProperty("studyInstanceUid").GetString() == _ct.StudyInstanceUid);
        Assert.Equal("failed", ct.GetProperty("outcome").GetString());
        Assert.Contains("does not know the move destination", ct.GetProperty("detail").GetString());
        var dx = Assert.Single(outcomes, s => s.GetProperty("studyInstanceUid").GetString() == _dx.StudyInstanceUid);
        Assert.Equal("nothing_to_retrieve", dx.GetProperty("outcome").GetString());
    }

    [SamplesFact]
    public async Task The_nightly_catch_up_retrieves_yesterdays_studies_once()
    {
        var yesterday = DateOnly.FromDateTime(DateTime.Now).AddDays(-1);
        var late = await SeededStudies.MakeAsync(_temp, yesterday, "NIGHT1", SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm"));
        var older = await SeededStudies.MakeAsync(_temp, yesterday.AddDays(-1), "NIGHT0", SharedSamples.Path_("openrem/MG-RDSR-Hologic_2D.dcm"));
        var ae = $"DW{Random.Shared.Next(100000, 999999)}";
        var port = DoseWatchApp.FreeTcpPort();
        await using var orthanc = await OrthancProcess.StartAsync(new Dictionary<string, (string, int)> { ["dosewatch"] = (ae, port) });
        foreach (var f in late.Files.Concat(older.Files)) await orthanc.UploadAsync(f);
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = ae,
            ["Dicom:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
            ["DoseWatch:Backfill:InstancesPerSecond"] = "0",
            ["DoseWatch:Backfill:Nightly:Nodes:0:Host"] = "127.0.0.1",
            ["DoseWatch:Backfill:Nightly:Nodes:0:Port"] = orthanc.DicomPort.ToString(CultureInfo.InvariantCulture),
            ["DoseWatch:Backfill:Nightly:Nodes:0:CalledAeTitle"] = OrthancProcess.AeTitle,
        });
        var nightly = app.Services.GetRequiredService<DoseWatch.Web.Jobs.NightlyBackfillJob>();
        var id = Assert.Single(await nightly.Run(CancellationToken.None));
        using var client = app.CreateHttpClient();
        var done = await WaitForBackfillAsync(client, id);
        Assert.Equal((yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "completed"), (done.GetProperty("from").GetString(), done.GetProperty("status").GetString()));
        var study = Assert.Single(done.GetProperty("studyOutcomes").EnumerateArray());
        Assert.Equal((late.StudyInstanceUid, "retrieved"), (study.GetProperty("studyInstanceUid").GetString(), study.GetProperty("outcome").GetString()));
        await WaitForStudyAsync(client, late.StudyInstanceUid);

        // Run again the same day (a retry): the same back-fill, nothing new.
        Assert.Equal([id], await nightly.Run(CancellationToken.None));
        Assert.Equal([id], await app.Services.GetRequiredService<BackfillRepository>().ListIdsAsync(10));
    }

    [Fact]
    public async Task The_backfills_page_shows_progress_and_each_studys_outcome_in_words()
    {
        var journal = _app.Services.GetRequiredService<BackfillRepository>();
        var id = await journal.CreateAsync(new BackfillRequest("pacs.example", 104, "MAIN_PACS", _aeTitle, _aeTitle, new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 31), ["CT"]));
        await journal.AddStudiesAsync(id, [new BackfillStudy("1.2.9.1", new DateOnly(2024, 3, 4), "ACC-1", "CT\\SR"), new BackfillStudy("1.2.9.2", new DateOnly(2024, 3, 9), null, "")], default);
        await journal.SetStudyResultAsync(id, "1.2.9.1", new BackfillStudyResult(BackfillStudyOutcome.Failed, 1, 0, 1,
            BackfillRunner.Describe(new DoseWatch.Dicom.Network.Dimse.DimseStatus(0xA801))), default);

        using var admin = _app.CreateHttpClient();
        var html = await admin.GetStringAsync($"/admin/backfills?id={id}");
        Assert.Contains("MAIN_PACS at pacs.example:104", html);
        Assert.Contains("2024-03-01 to 2024-03-31", html);
        Assert.Contains("0 of 2 studies", html);  // a failed study is not done: a rerun tries it again
        Assert.Contains("does not know the move destination AE title", html);
        Assert.Contains("data-field=\"outcome\">Failed<", html);
        Assert.Contains("data-field=\"outcome\">Waiting<", html);
        Assert.Contains("CT, SR", html);
        Assert.DoesNotContain("0xA801", html);

        using var physicist = _app.CreateHttpClient(DoseWatch.Core.Access.Roles.Physicist, followRedirects: false);
        using var refused = await physicist.GetAsync($"/admin/backfills?id={id}");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task A_backfill_request_without_a_pacs_is_refused_with_reasons()
    {
        using var client = _app.CreateHttpClient();
        var response = await client.PostAsJsonAsync("/api/v1/backfills", new { port = 0, from = "2024-03-31", to = "2024-03-01", modalities = new[] { "C T" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var key in new[] { "host", "port", "calledAeTitle", "to", "modalities" }) Assert.True(errors.TryGetProperty(key, out _), key);
        using var reader = _app.CreateHttpClient(DoseWatch.Core.Access.Roles.Physicist);
        var forbidden = await reader.PostAsJsonAsync("/api/v1/backfills", new { host = "x", port = 104, calledAeTitle = "PACS", from = "2024-03-01", to = "2024-03-01" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private static async Task<JsonElement> WaitForBackfillAsync(HttpClient client, long id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var b = await client.GetFromJsonAsync<JsonElement>($"/api/v1/backfills/{id}");
            if (b.GetProperty("status").GetString() != "running") return b;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"back-fill {id} still running: {b}");
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> WaitForStudyAsync(HttpClient client, string studyUid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonElement>() is var study && study.GetProperty("events").GetArrayLength() > 0)
                return study;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"study {studyUid} not queryable");
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<DicomAssociation>> WaitForStoredAsync(int instances)
    {
        var repository = new AssociationRepository(_app.Services.GetRequiredService<DoseWatch.Data.IDbConnectionFactory>());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var rows = await repository.ListRecentAsync(100);
            if (rows.Sum(r => r.InstancesStored) >= instances || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(50);
        }
    }

    /// <summary>The real journal, which cancels the run once the first study's result is written (a shutdown mid-run).</summary>
    private sealed class StopAfterFirstStudy(BackfillRepository inner, CancellationTokenSource stop) : IBackfillJournal
    {
        public Task<BackfillRequest?> GetRequestAsync(long backfillId, CancellationToken ct) => inner.GetRequestAsync(backfillId, ct);
        public Task SetStatusAsync(long backfillId, BackfillStatus status, string? detail, CancellationToken ct) => inner.SetStatusAsync(backfillId, status, detail, ct);
        public Task AddStudiesAsync(long backfillId, IReadOnlyList<BackfillStudy> studies, CancellationToken ct) => inner.AddStudiesAsync(backfillId, studies, ct);
        public Task<IReadOnlyList<BackfillStudy>> StudiesToDoAsync(long backfillId, CancellationToken ct) => inner.StudiesToDoAsync(backfillId, ct);
        public Task<IReadOnlySet<string>> KnownInstancesAsync(IReadOnlyCollection<string> uids, CancellationToken ct) => inner.KnownInstancesAsync(uids, ct);

        public async Task SetStudyResultAsync(long backfillId, string studyInstanceUid, BackfillStudyResult result, CancellationToken ct)
        {
            await inner.SetStudyResultAsync(backfillId, studyInstanceUid, result, ct);
            await stop.CancelAsync();
        }
    }
}
