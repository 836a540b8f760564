using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Web.Api;
using DoseWatch.Web.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

internal static class InboxSeam
{
    public const string RdsrSopClass = "1.2.840.10008.5.1.4.1.1.88.67";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the Store SCP does after a durable store: a file in the inbox, then the received-instance seam.</summary>
    public static Task<string> StoreAsync(SharedApp shared, string uid) => StoreAsync(shared.App, shared.AeTitle, uid);

    public static async Task<string> StoreAsync(DoseWatchApp app, string calledAeTitle, string uid)
    {
        var dataDirectory = app.Services.GetRequiredService<Hosting.DataDirectory>().Path;
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(dataDirectory, "inbox")).FullName, $"{uid}.dcm");
        await File.WriteAllBytesAsync(path, new byte[300]);
        var sink = app.Services.GetRequiredService<IInstanceReceivedSink>();
        var parties = new AssociationParties("SEAM_SCU", calledAeTitle, new IPEndPoint(IPAddress.Loopback, 40404), CallerVerdict.UnknownAccepted);
        await sink.OnInstanceStoredAsync(new StoredInstance(path, RdsrSopClass, uid, "1.2.840.10008.1.2.1", 300, false, parties), CancellationToken.None);
        return path;
    }

    public static async Task<InstancePage> ListAsync(HttpClient client, string status) =>
        (await client.GetFromJsonAsync<InstancePage>($"/api/v1/instances?status={status}&pageSize={InstancesApi.MaxPageSize}", Json))!;

    public static async Task<InstanceDto> GetAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<InstanceDto>($"/api/v1/instances/{id}", Json))!;

    public static async Task<InstanceDto> WaitForStatusAsync(DoseWatchApp app, string sopInstanceUid, string status, TimeSpan? timeout = null)
    {
        using var client = app.CreateHttpClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        InstanceDto? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await ListAsync(client, "")).Items.FirstOrDefault(i => i.SopInstanceUid == sopInstanceUid);
            if (last?.Status == status) return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{sopInstanceUid} did not reach '{status}' within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds} s; last seen: {last}; jobs: {JobStoreState(app)}");
    }

    /// <summary>What the app's own Hangfire store shows, to tell a job never queued from one fetched and not run.</summary>
    private static string JobStoreState(DoseWatchApp app)
    {
        try
        {
            var monitoring = app.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
            var statistics = monitoring.GetStatistics();
            var queues = monitoring.Queues().Select(q => $"{q.Name} {q.Length} waiting, {q.Fetched ?? 0} fetched");
            var servers = monitoring.Servers().Select(s => $"{s.Name} ({s.WorkersCount} workers, heartbeat {s.Heartbeat:O})");
            return $"enqueued {statistics.Enqueued}, processing {statistics.Processing}, failed {statistics.Failed}; queues: {string.Join("; ", queues)}; servers: {string.Join("; ", servers)}";
        }
        catch (Exception e)
        {
            return $"job store unreadable: {e.Message}";
        }
    }
}
