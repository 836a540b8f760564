using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Privacy;
using DoseWatch.Core.Registry;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Deidentification;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Hosting;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Registry;

/// <summary>
/// Queues each received dose report for the configured registry (a row in the delivery log, then a job that takes the
/// row's ID), and an operator's retry. Holds the registry's de-identifier, keyed from the registry secret.
/// </summary>
public sealed class RegistrySubmissionQueue(
    RegistrySubmissionRepository submissions,
    IBackgroundJobClient jobs,
    IOptions<RegistryOptions> options,
    IOptions<DicomScpOptions> scp,
    IOptions<PrivacyOptions> privacy,
    DataDirectory dataDirectory,
    TimeProvider clock)
{
    public const string SecretFileName = "registry.key";

    private readonly Lazy<Deidentifier> _deidentifier = new(() => new Deidentifier(
        RegistryDoseReports.RegistryKey(ResolveSecret(options.Value, privacy.Value, dataDirectory.Path), options.Value.AeTitle),
        RegistryDoseReports.Options(options.Value.ShiftDates)));

    public RegistryOptions Settings => options.Value;

    /// <summary>How the registry is called over TLS (null: plain TCP).</summary>
    public DoseWatch.Dicom.Network.Dimse.TlsClientCredentials? Tls => options.Value.Tls ? scp.Value.Tls.ClientCredentials() : null;

    public string CallingAeTitle => options.Value.CallingAeTitle.Trim() is { Length: > 0 } own ? own : scp.Value.AeTitle;

    /// <summary>The registry's de-identifier: the product's PS3.15 profile with the registry's options and key.</summary>
    public Deidentifier Deidentifier => _deidentifier.Value;

    /// <summary>After a report's extraction: queued when forwarding is on, it is a dose report and its study's modality is one to send.</summary>
    public async Task QueueIfAppliesAsync(InstanceToExtract instance, string? studyModality, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled || !RegistryDoseReports.IsDoseReport(instance.SopClassUid) || !o.Sends(studyModality)) return;
        var id = await submissions.QueueAsync(instance.InstanceId, o.AeTitle.Trim(), instance.SopClassUid, instance.StudyInstanceUid,
            studyModality ?? "", clock.GetUtcNow(), cancellationToken);
        jobs.Enqueue<SubmitToRegistryJob>(job => job.Run(id, CancellationToken.None));
    }

    /// <summary>The retry button: a failed or waiting submission is sent again now. False when it is sent, being sent or gone.</summary>
    public async Task<bool> RetryAsync(long id, CancellationToken cancellationToken = default)
    {
        if (!await submissions.RequeueAsync(id, clock.GetUtcNow(), cancellationToken)) return false;
        jobs.Enqueue<SubmitToRegistryJob>(job => job.Run(id, CancellationToken.None));
        return true;
    }

    /// <summary>The next attempt after a failure, later each time; null to give up.</summary>
    public void ScheduleRetry(long id, TimeSpan delay) => jobs.Schedule<SubmitToRegistryJob>(job => job.Run(id, CancellationToken.None), delay);

    private static byte[] ResolveSecret(RegistryOptions registry, PrivacyOptions privacy, string dataDirectory) =>
        !string.IsNullOrWhiteSpace(registry.Secret)
            ? KeyFile.Parse(registry.Secret, "DoseWatch:Registry:Secret")
            : KeyFile.LoadOrCreate(Path.Combine(privacy.ResolveKeyDirectory(dataDirectory), SecretFileName));
}
