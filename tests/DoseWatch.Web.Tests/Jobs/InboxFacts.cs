using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Web.Api;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// The inbox on the real app: SQLite database, Hangfire on its SQLite store, the real Store SCP and real files; only the
/// dose extractor is scripted (it is another module's and is tested on the samples there).
/// </summary>
[Collection(nameof(SharedApp))]
public sealed class InboxFacts(SharedApp shared)
{
        private DoseWatchApp App => shared.App;

    internal static string NewUid() => $"2.25.{(System.Numerics.BigInteger.Abs(new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray())))}";

    [SamplesFact]
    public async Task An_rdsr_sent_with_storescu_is_received_into_the_inbox_and_extracted_once()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var sopInstanceUid = await Dcmtk.ReadUidAsync(sample, "0008,0018");
        var sopClassUid = await Dcmtk.ReadUidAsync(sample, "0008,0016");
        var studyUid = await Dcmtk.ReadUidAsync(sample, "0020,000d");
        using var client = App.CreateHttpClient();

        await Dcmtk.RunAsync("storescu", "-aet", "TEST_SCU", "-aec", shared.AeTitle, "127.0.0.1", shared.DicomPort.ToString(), sample);
        var row = await InboxSeam.WaitForStatusAsync(App, sopInstanceUid, "extracted");

        Assert.Equal((sopClassUid, studyUid, "TEST_SCU"), (row.SopClassUid, row.StudyInstanceUid, row.CallingAeTitle));
        Assert.StartsWith("127.0.0.1:", row.Peer);
        var call = Assert.Single(shared.Extraction.Calls(sopInstanceUid));
        Assert.Equal(row.Id, call.InstanceId);
        Assert.Equal(new FileInfo(call.Path).Length, row.SizeBytes);

        // The same object again: the SCP keeps its file, the inbox keeps its row, nothing is extracted twice.
        await Dcmtk.RunAsync("storescu", "-aet", "TEST_SCU", "-aec", shared.AeTitle, "127.0.0.1", shared.DicomPort.ToString(), sample);
        var again = await InboxSeam.GetAsync(client, row.Id);
        Assert.Equal(("extracted", 1), (again.Status, shared.Extraction.Calls(sopInstanceUid).Count));
        Assert.Equal(1, (await InboxSeam.ListAsync(client, "")).Items.Count(i => i.SopInstanceUid == sopInstanceUid));
    }

    [Fact]
    public async Task A_rejected_instance_is_quarantined_with_its_reason_and_a_retry_extracts_it()
    {
        var uid = NewUid();
        const string reason = "Template TID 9999 is not supported";
        shared.Extraction.Script(uid, () => ExtractionOutcome.Rejected(reason), () => ExtractionOutcome.Extracted("2 events"));
        var original = await InboxSeam.StoreAsync(shared, uid);
        using var client = App.CreateHttpClient();

        var quarantined = await InboxSeam.WaitForStatusAsync(App, uid, "quarantined");

        Assert.Equal(reason, quarantined.StatusReason);
        Assert.False(File.Exists(original));
        var moved = Path.Combine(App.DataDirectory, "quarantine", Path.GetFileName(original));
        Assert.True(File.Exists(moved));
        Assert.Contains(reason, await File.ReadAllTextAsync(moved + ".reason.txt"));
        Assert.Contains(quarantined, (await InboxSeam.ListAsync(client, "quarantined")).Items);

        using var retry = await client.PostAsync($"/api/v1/instances/{quarantined.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var extracted = await InboxSeam.WaitForStatusAsync(App, uid, "extracted");

        Assert.Equal("2 events", extracted.StatusReason);
        Assert.True(File.Exists(original));
        Assert.False(File.Exists(moved + ".reason.txt"));
        Assert.Equal(2, shared.Extraction.Calls(uid).Count);
    }

    [Fact]
    public async Task A_non_dose_object_is_set_aside_and_its_file_kept()
    {
        var uid = NewUid();
        shared.Extraction.Script(uid, () => ExtractionOutcome.NotDoseObject("Text SR (TID 2000), not a dose report"));
        var path = await InboxSeam.StoreAsync(shared, uid);
        using var client = App.CreateHttpClient();

        var row = await InboxSeam.WaitForStatusAsync(App, uid, "not_dose");

        Assert.Equal("Text SR (TID 2000), not a dose report", row.StatusReason);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task An_extractor_bug_quarantines_with_the_exception_message()
    {
        var uid = NewUid();
        shared.Extraction.Script(uid, () => throw new InvalidOperationException("sequence item without a concept name"));
        await InboxSeam.StoreAsync(shared, uid);
        using var client = App.CreateHttpClient();

        var row = await InboxSeam.WaitForStatusAsync(App, uid, "quarantined");

        Assert.Contains("InvalidOperationException: sequence item without a concept name", row.StatusReason);
    }

    /// <summary>
    /// A transient failure (disk, database) leaves the row failed with its reason, and Hangfire retries it: the worker
    /// schedules ExtractInstanceJob, which extracts it; another run of the job afterwards does nothing.
    /// </summary>
    [Fact]
    public async Task A_transient_failure_is_marked_failed_and_retried_by_a_hangfire_job_then_a_further_run_does_nothing()
    {
        var uid = NewUid();
        shared.Extraction.Script(uid, () => throw new IOException("disk busy"), () => ExtractionOutcome.Extracted());
        await InboxSeam.StoreAsync(shared, uid);
        var inbox = App.Services.GetRequiredService<InstanceRepository>();

        var failed = await InboxSeam.WaitForStatusAsync(App, uid, "failed");
        // Scheduled TransientRetryDelay (10 s) later; Hangfire looks for due scheduled jobs every 15 s.
        var retried = await InboxSeam.WaitForStatusAsync(App, uid, "extracted", TimeSpan.FromSeconds(60));
        using var scope = App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ExtractInstanceJob>().Run(retried.Id, CancellationToken.None);

        Assert.Contains("disk busy", failed.StatusReason);
        var done = (await inbox.GetAsync(retried.Id))!;
        Assert.Equal((InstanceStatus.Extracted, 2), (done.Status, done.Attempts));
        Assert.Equal(2, shared.Extraction.Calls(uid).Count);
    }

    /// <summary>
    /// A worker killed mid-extraction leaves its row <c>extracting</c> with a claim that goes stale: the sweep hands it
    /// back and the workers extract it once.
    /// </summary>
    [Fact]
    public async Task The_sweep_hands_back_an_instance_whose_worker_died()
    {
        var uid = NewUid();
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(App.DataDirectory, "inbox")).FullName, $"{uid}.dcm");
        await File.WriteAllBytesAsync(path, new byte[100]);
        var claimedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await using (var connection = await App.Services.GetRequiredService<DoseWatch.Data.IDbConnectionFactory>().OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                INSERT INTO instances (sop_class_uid, sop_instance_uid, study_instance_uid, calling_ae, peer, size_bytes, path, received_at, status, attempts, updated_at)
                VALUES (@sopClass, @uid, '', 'CRASH_SCU', '', 100, @path, @claimedAt, 'extracting', 1, @claimedAt)
                """, new { sopClass = InboxSeam.RdsrSopClass, uid, path, claimedAt });
        using var scope = App.Services.CreateScope();

        var swept = await scope.ServiceProvider.GetRequiredService<InboxSweepJob>().Run(CancellationToken.None);
        await InboxSeam.WaitForStatusAsync(App, uid, "extracted");

        Assert.True(swept >= 1);
        Assert.Single(shared.Extraction.Calls(uid));
    }

    /// <summary>
    /// Issue #18: received instances are extracted by the workers from the inbox rows, each once, and none of them
    /// costs a Hangfire job.
    /// </summary>
    [Fact]
    public async Task Received_instances_are_extracted_once_each_by_the_workers_without_a_hangfire_job()
    {
        var uids = Enumerable.Range(0, 40).Select(_ => NewUid()).ToList();

        await Task.WhenAll(uids.Select(uid => InboxSeam.StoreAsync(shared, uid)));
        var rows = new List<InstanceDto>();
        foreach (var uid in uids) rows.Add(await InboxSeam.WaitForStatusAsync(App, uid, "extracted"));

        Assert.All(uids, uid => Assert.Single(shared.Extraction.Calls(uid)));
        var ids = rows.Select(r => r.Id).ToHashSet();
        var monitoring = App.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var jobs = monitoring.SucceededJobs(0, 10_000).Select(j => j.Value.Job)
            .Concat(monitoring.EnqueuedJobs("default", 0, 10_000).Select(j => j.Value.Job))
            .Concat(monitoring.ProcessingJobs(0, 10_000).Select(j => j.Value.Job))
            .Concat(monitoring.ScheduledJobs(0, 10_000).Select(j => j.Value.Job));
        Assert.DoesNotContain(jobs, j => j?.Type == typeof(ExtractInstanceJob) && j.Args.Count > 0 && j.Args[0] is long id && ids.Contains(id));
    }

    [Fact]
    public async Task The_api_validates_filters_and_refuses_to_retry_what_is_in_flight()
    {
        using var client = App.CreateHttpClient();
        // Held inside its extraction while the test looks: received, then extracting, in flight either way.
        using var release = new ManualResetEventSlim();
        var uid = NewUid();
        shared.Extraction.Script(uid, () => { release.Wait(TimeSpan.FromSeconds(30)); return ExtractionOutcome.Extracted(); });
        var pending = await AddReceivedRowAsync(uid, DateTimeOffset.UtcNow);

        using var badStatus = await client.GetAsync("/api/v1/instances?status=extracted,lost");
        using var badPage = await client.GetAsync("/api/v1/instances?pageSize=0");
        using var missing = await client.GetAsync("/api/v1/instances/987654321");
        using var retryMissing = await client.PostAsync("/api/v1/instances/987654321/retry", null);
        using var retryPending = await client.PostAsync($"/api/v1/instances/{pending}/retry", null);
        var inbox = await InboxSeam.ListAsync(client, "inbox");

        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Contains("lost", await badStatus.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(HttpStatusCode.NotFound == retryMissing.StatusCode, await retryMissing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, retryPending.StatusCode);
        release.Set();
        Assert.Contains(inbox.Items, i => i.Id == pending && i.Status is "received" or "extracting");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_instances_api()
    {
        using var client = App.CreateHttpClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/v1/instances", out var list));
        Assert.True(list.TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/instances/{id}/retry").TryGetProperty("post", out _));
    }

    /// <summary>An inbox row as the intake registers it (with a placeholder file).</summary>
    private async Task<long> AddReceivedRowAsync(string uid, DateTimeOffset receivedAt)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(App.DataDirectory, "inbox")).FullName, $"{uid}.dcm");
        await File.WriteAllBytesAsync(path, new byte[100]);
        return await App.Services.GetRequiredService<InstanceRepository>().AddOrReplaceAsync(
            new NewInstance(InboxSeam.RdsrSopClass, uid, "", "CRASH_SCU", "", 100, path, receivedAt));
    }
}
