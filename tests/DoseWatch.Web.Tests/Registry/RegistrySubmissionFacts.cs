using System.Globalization;
using System.Text.RegularExpressions;
using Bunit;
using Hangfire;
using DoseWatch.Core.Registry;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Deidentification;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;
using DoseWatch.Web.Components.Pages.Dicom;
using DoseWatch.Web.Registry;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Registry;

/// <summary>
/// Issue #19 item 4 against real peers: DCMTK storescu sends a real RDSR into the product, the product forwards it to DCMTK
/// storescp standing in for the dose registry, and dcmdump/dsrdump read what storescp wrote beside the original file:
/// nothing identifying left, UIDs replaced consistently, every dose value unchanged, a pseudonym stable per patient and
/// different under another registry secret; a registry that is down is retried until it is up, and the delivery log
/// (the DICOM nodes page's section, rendered with bUnit on the app's own services) shows it, its retry button included.
/// </summary>
public sealed partial class RegistrySubmissionFacts : IAsyncLifetime
{
    private const string Sample = "openrem/CT-RDSR-Siemens-Multi-2.dcm";
    private static readonly byte[] RegistrySecret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly string _aeTitle = $"DW{Random.Shared.Next(100000, 999999)}";
    private readonly int _dicomPort = DoseWatchApp.FreeTcpPort();
    private readonly int _registryPort = DoseWatchApp.FreeTcpPort();
    private readonly TempDirectory _temp = new();
    private readonly BunitContext _bunit = new();
    private DoseWatchApp _app = null!;
    private string _received = null!;
    private string _retryBackoff = "00:00:01";

    public Task InitializeAsync()
    {
        _received = Directory.CreateDirectory(Path.Combine(_temp.Path, "registry")).FullName;
        return Task.CompletedTask;
    }

    private async Task StartAppAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = _aeTitle,
        ["Dicom:Port"] = _dicomPort.ToString(CultureInfo.InvariantCulture),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        ["DoseWatch:Registry:Enabled"] = "true",
        ["DoseWatch:Registry:AeTitle"] = StorescpProcess.AeTitle,
        ["DoseWatch:Registry:Host"] = "127.0.0.1",
        ["DoseWatch:Registry:Port"] = _registryPort.ToString(CultureInfo.InvariantCulture),
        ["DoseWatch:Registry:Modalities:0"] = "CT",
        ["DoseWatch:Registry:Modalities:1"] = "NM",
        ["DoseWatch:Registry:Secret"] = Convert.ToBase64String(RegistrySecret),
        ["DoseWatch:Registry:MaxAttempts"] = "5",
        ["DoseWatch:Registry:RetryBackoff"] = _retryBackoff,
    });

    public async Task DisposeAsync()
    {
        await _bunit.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        _temp.Dispose();
    }

    [SamplesFact]
    public async Task A_received_rdsr_reaches_the_registry_with_nothing_identifying_and_every_dose_value_unchanged()
    {
        await StartAppAsync();
        await using var registry = await StorescpProcess.StartAsync(_received, _registryPort);
        var original = SharedSamples.Path_(Sample);
        // Two studies of one patient (new study, series and instance UIDs), and a study of another patient.
        var first = await CopyAsync(original, "first.dcm", "-gst", "-gse", "-gin");
        var second = await CopyAsync(original, "second.dcm", "-gst", "-gse", "-gin");
        var other = await CopyAsync(original, "other.dcm", "-gst", "-gse", "-gin", "-m", "(0010,0020)=OTHER-PATIENT-7");

        var sentFirst = await SendAndReceiveAsync(first);
        var dumpOriginal = await Dcmtk.RunAsync("dcmdump", "-q", "-Un", "+U8", first);
        var dumpSent = await Dcmtk.RunAsync("dcmdump", "-q", "-Un", "+U8", sentFirst);

        // Nothing identifying: the values the original carries (read now, from the file) appear nowhere in what the registry got.
        foreach (var tag in new[] { "0010,0010", "0010,0020", "0010,0030", "0008,0050", "0008,0080" })
        {
            var value = Value(dumpOriginal, tag);
            Assert.False(string.IsNullOrEmpty(value), $"the sample has no {tag} to check");
            Assert.DoesNotContain(value, dumpSent);
        }
        foreach (var part in Value(dumpOriginal, "0010,0010")!.Split('^', StringSplitOptions.RemoveEmptyEntries))
            Assert.DoesNotContain(part, dumpSent);
        Assert.StartsWith("DEID-", Value(dumpSent, "0010,0020"));
        Assert.Equal("YES", Value(dumpSent, "0012,0062"));
        // What a registry needs is kept: patient age and sex, the device, the real study date.
        foreach (var tag in new[] { "0010,0040", "0010,1010", "0008,0020", "0008,0070", "0008,1090", "0018,1000" })
            Assert.Equal(Value(dumpOriginal, tag), Value(dumpSent, tag));

        // UIDs: every instance UID of the original is gone, and each new one stands wherever its original stood.
        foreach (var tag in new[] { "0020,000d", "0020,000e", "0008,0018" })
        {
            var before = Value(dumpOriginal, tag)!;
            var after = Value(dumpSent, tag)!;
            Assert.NotEqual(before, after);
            Assert.DoesNotContain(before, dumpSent);
            Assert.Equal(Occurrences(dumpOriginal, before), Occurrences(dumpSent, after));
        }
        // Every instance UID, anywhere (SR UIDREFs included); class UIDs and the writers' implementation UIDs name no one.
        var instanceUids = UiValue().Matches(dumpOriginal).Where(m => !ClassUidTags.Contains(m.Groups["tag"].Value.ToLowerInvariant()))
            .Select(m => m.Groups["uid"].Value).Where(u => !u.StartsWith("1.2.840.10008.", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(instanceUids.Count >= 5, $"only {instanceUids.Count} instance UIDs found in the original");
        Assert.All(instanceUids, uid => Assert.DoesNotContain(uid, dumpSent));

        // Every dose value of the SR tree, as dsrdump reads it, is unchanged (values, units and order).
        var numbersBefore = Numbers(await Dcmtk.RunAsync("dsrdump", original));
        Assert.True(numbersBefore.Count > 10, $"dsrdump read only {numbersBefore.Count} numbers from the original");
        Assert.Equal(numbersBefore, Numbers(await Dcmtk.RunAsync("dsrdump", sentFirst)));

        // The pseudonym: the same for the patient's second study, another for another patient, another under another secret.
        var sentSecond = await SendAndReceiveAsync(second);
        var sentOther = await SendAndReceiveAsync(other);
        var pseudonym = Value(dumpSent, "0010,0020")!;
        Assert.Equal(pseudonym, Value(await Dcmtk.RunAsync("dcmdump", "-q", "+P", "0010,0020", sentSecond), "0010,0020"));
        Assert.NotEqual(pseudonym, Value(await Dcmtk.RunAsync("dcmdump", "-q", "+P", "0010,0020", sentOther), "0010,0020"));
        var patientKey = Deidentifier.PatientKey(DicomReader.ReadFile(first).DataSet);
        Assert.Equal(pseudonym, RegistryDeidentifier(RegistrySecret, StorescpProcess.AeTitle).PatientPseudonym(patientKey));
        var otherSecret = RegistrySecret.Select(b => (byte)(b ^ 0x5A)).ToArray();
        Assert.NotEqual(pseudonym, RegistryDeidentifier(otherSecret, StorescpProcess.AeTitle).PatientPseudonym(patientKey));
        Assert.NotEqual(pseudonym, RegistryDeidentifier(RegistrySecret, "OTHER_REGISTRY").PatientPseudonym(patientKey));

        // A radiopharmaceutical RDSR (its study is NM) goes too, de-identified, its numbers unchanged (dsrdump -Ec: DCMTK's
        // relationship constraints refuse this vendor's tree otherwise).
        var nmOriginal = SharedSamples.Path_("openrem/NM-RRDSR-Siemens.dcm");
        var nm = await CopyAsync(nmOriginal, "nm.dcm", "-gst", "-gse", "-gin");
        var sentNm = await SendAndReceiveAsync(nm);
        var nmBefore = await Dcmtk.RunAsync("dcmdump", "-q", "-Un", "+U8", nm);
        var nmAfter = await Dcmtk.RunAsync("dcmdump", "-q", "-Un", "+U8", sentNm);
        foreach (var tag in new[] { "0010,0010", "0010,0020", "0010,0030", "0008,0050", "0020,000d", "0008,0018" })
            Assert.DoesNotContain(Value(nmBefore, tag)!, nmAfter);
        var nmNumbers = Numbers(await Dcmtk.RunAsync("dsrdump", "-Ec", nmOriginal));
        Assert.True(nmNumbers.Count > 10, $"dsrdump read only {nmNumbers.Count} numbers from the radiopharmaceutical RDSR");
        Assert.Equal(nmNumbers, Numbers(await Dcmtk.RunAsync("dsrdump", "-Ec", sentNm)));

        // Not forwarded: a DX dose report (DX is not among the configured modalities) and a text SR (not a dose report).
        var dx = await CopyAsync(SharedSamples.Path_("openrem/DX-RDSR-Canon_CXDI.dcm"), "dx.dcm", "-gst", "-gse", "-gin");
        var text = await CopyAsync(SharedSamples.Path_("openrem/ESR_non-dose.dcm"), "text.dcm", "-gst", "-gse", "-gin");
        var settled = new[] { await Dcmtk.ReadUidAsync(dx, "0008,0018"), await Dcmtk.ReadUidAsync(text, "0008,0018") };
        foreach (var file in new[] { dx, text })
            await Dcmtk.RunAsync("storescu", "-R", "-aet", "MODALITY", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture), file);
        var inbox = _app.Services.GetRequiredService<InstanceRepository>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // The registry row is written before the extraction is recorded, so once both are settled nothing more can come.
        while ((await inbox.ListAsync([InstanceStatus.Extracted, InstanceStatus.NotDose], 0, 100)).Count(i => settled.Contains(i.SopInstanceUid)) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the DX dose report and the text SR were not extracted");
            await Task.Delay(200);
        }

        // The delivery log: four reports sent, each with the registry's answer in words and the UID the registry knows.
        var log = await Submissions.ListAsync();
        Assert.Equal(4, log.Count);
        Assert.All(log, s => Assert.Equal((RegistrySubmissionStatuses.Sent, 0, 1), (s.Status, s.DimseStatus, s.Attempts)));
        Assert.Contains(log, s => s.SentSopInstanceUid == Value(dumpSent, "0008,0018"));
        Assert.Equal(4, Directory.GetFiles(_received).Length);
        var section = RenderLog();
        section.WaitForAssertion(() => Assert.Equal(4, section.FindAll("tr[data-submission]").Count));
        Assert.All(section.FindAll("td[data-field=status]"), c => Assert.Equal("Sent", c.TextContent.Trim()));
        Assert.All(section.FindAll("td[data-field=answer]"), c => Assert.Equal("Stored", c.TextContent.Trim()));
        var reports = section.FindAll("td[data-field=report]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(3, reports.Count(r => r.StartsWith("X-ray radiation dose report, CT, study of ", StringComparison.Ordinal)));
        Assert.Single(reports, r => r.StartsWith("Radiopharmaceutical dose report, NM", StringComparison.Ordinal));
        Assert.Empty(section.FindAll("button[data-action=retry-registry]"));
    }

    [SamplesFact]
    public async Task A_registry_that_is_down_is_retried_until_it_is_up_and_the_log_and_its_retry_button_show_it()
    {
        // Long enough that the retry button's send cannot be the scheduled retry's.
        _retryBackoff = "00:00:30";
        await StartAppAsync();
        var original = SharedSamples.Path_(Sample);
        var first = await CopyAsync(original, "first.dcm", "-gst", "-gse", "-gin");
        var second = await CopyAsync(original, "second.dcm", "-gst", "-gse", "-gin");

        // Down: the first attempt fails with the reason in words, and a retry is waiting.
        await Dcmtk.RunAsync("storescu", "-R", "-aet", "MODALITY", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture), first);
        var waiting = await WaitForAsync(s => s.Attempts == 1 && s.Status == RegistrySubmissionStatuses.Pending, TimeSpan.FromSeconds(60));
        Assert.StartsWith("The registry could not be reached", waiting.LastError);
        Assert.Null(waiting.DimseStatus);
        var section = RenderLog();
        section.WaitForAssertion(() => Assert.StartsWith("Waiting to retry at ", section.Find($"tr[data-submission=\"{waiting.Id}\"] td[data-field=status]").TextContent.Trim()));
        Assert.StartsWith("The registry could not be reached", section.Find($"tr[data-submission=\"{waiting.Id}\"] td[data-field=answer]").TextContent.Trim());
        Assert.Empty(Directory.GetFiles(_received));

        // Up again on the same port: the scheduled retry sends it, without anyone's help.
        await using (var registry = await StorescpProcess.StartAsync(_received, _registryPort))
        {
            var sent = await WaitForAsync(s => s.Id == waiting.Id && s.Status == RegistrySubmissionStatuses.Sent, TimeSpan.FromSeconds(120));
            Assert.Equal((2, 0), (sent.Attempts, sent.DimseStatus));
            Assert.Single(Directory.GetFiles(_received));
        }

        // Down again for the second report; once the registry is back, the retry button sends it at once.
        await Dcmtk.RunAsync("storescu", "-R", "-aet", "MODALITY", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture), second);
        var failed = await WaitForAsync(s => s.Id != waiting.Id && s.Attempts == 1, TimeSpan.FromSeconds(60));
        await using var back = await StorescpProcess.StartAsync(_received, _registryPort);
        var log = RenderLog();
        var clickedAt = DateTimeOffset.UtcNow;
        log.WaitForElement($"tr[data-submission=\"{failed.Id}\"] button[data-action=retry-registry]").Click();
        // The click's handler awaits the queue before it renders the notice: wait for it (it took longer than an
        // immediate Find under load in a clean-clone run).
        log.WaitForAssertion(() => Assert.Equal("Queued to be sent again now.", log.Find("[data-registry-notice]").TextContent.Trim()), TimeSpan.FromSeconds(15));
        var resent = await WaitForAsync(s => s.Id == failed.Id && s.Status == RegistrySubmissionStatuses.Sent, TimeSpan.FromSeconds(60));
        Assert.True(resent.SentAt < failed.NextAttemptAt, $"sent at {resent.SentAt:O}, the scheduled retry was due at {failed.NextAttemptAt:O} (clicked {clickedAt:O})");
        Assert.Equal(2, Directory.GetFiles(_received).Length);
        // A sent report has no retry button, and a retry of it does nothing.
        var after = RenderLog();
        after.WaitForAssertion(() => Assert.Empty(after.FindAll("button[data-action=retry-registry]")));
        Assert.False(await _app.Services.GetRequiredService<RegistrySubmissionQueue>().RetryAsync(failed.Id));
    }

    [SamplesFact]
    public async Task A_retry_that_starts_a_moment_before_its_row_is_due_is_put_back_not_dropped()
    {
        // Hangfire keeps a scheduled job's time in whole seconds, so the scheduled retry can start up to a second before the
        // row is due. It used to return then, leaving the report to the five-minute sweep (a clean-clone CI run waited two
        // minutes for a retry that never came).
        _retryBackoff = "00:10:00";
        await StartAppAsync();
        var report = await CopyAsync(SharedSamples.Path_(Sample), "report.dcm", "-gst", "-gse", "-gin");
        await Dcmtk.RunAsync("storescu", "-R", "-aet", "MODALITY", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture), report);
        var waiting = await WaitForAsync(s => s.Attempts == 1 && s.Status == RegistrySubmissionStatuses.Pending, TimeSpan.FromSeconds(60));
        var monitoring = _app.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        List<KeyValuePair<string, Hangfire.Storage.Monitoring.ScheduledJobDto>> Retries() => monitoring.ScheduledJobs(0, 100)
            .Where(j => j.Value.Job?.Type == typeof(SubmitToRegistryJob) && Equals(j.Value.Job.Args[0], waiting.Id)).ToList();
        // The failure schedules its retry just after it marks the row (a clean-clone CI run on PostgreSQL looked in
        // between): wait for it, then take it off the schedule, as the scheduler does when it starts it.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Retries().Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        var scheduled = Assert.Single(Retries());
        Assert.True(_app.Services.GetRequiredService<Hangfire.IBackgroundJobClient>().Delete(scheduled.Key));
        Assert.Empty(Retries());

        // Started ten minutes early (the backoff put the row off on purpose): nothing is sent and nothing is scheduled.
        await Job(waiting.NextAttemptAt - TimeSpan.FromMinutes(9)).Run(waiting.Id, CancellationToken.None);
        Assert.Empty(Retries());
        // Started 0.6 s early: nothing is sent, and the retry is back on the schedule, a few seconds on.
        var before = DateTime.UtcNow;
        await Job(waiting.NextAttemptAt - TimeSpan.FromMilliseconds(600)).Run(waiting.Id, CancellationToken.None);
        var putBack = Assert.Single(Retries());
        Assert.InRange(putBack.Value.EnqueueAt, before.AddSeconds(1), DateTime.UtcNow.AddSeconds(3));
        var row = await Submissions.GetAsync(waiting.Id);
        Assert.Equal((RegistrySubmissionStatuses.Pending, 1, waiting.NextAttemptAt), (row!.Status, row.Attempts, row.NextAttemptAt));
    }

    /// <summary>The app's registry job, on a clock stopped at <paramref name="now"/>.</summary>
    private SubmitToRegistryJob Job(DateTimeOffset now) =>
        ActivatorUtilities.CreateInstance<SubmitToRegistryJob>(_app.Services, (TimeProvider)new StoppedClock(now));

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private RegistrySubmissionRepository Submissions => _app.Services.GetRequiredService<RegistrySubmissionRepository>();

    private IRenderedComponent<RegistrySubmissionsSection> RenderLog()
    {
        if (!_bunit.Services.Any(d => d.ServiceType == typeof(RegistrySubmissionRepository)))
        {
            _bunit.Services.AddSingleton(Submissions);
            _bunit.Services.AddSingleton(_app.Services.GetRequiredService<RegistrySubmissionQueue>());
        }
        return _bunit.Render<RegistrySubmissionsSection>();
    }

    private static Deidentifier RegistryDeidentifier(byte[] secret, string registryAe) =>
        new(RegistryDoseReports.RegistryKey(secret, registryAe), RegistryDoseReports.Options(shiftDates: false));

    private async Task<string> CopyAsync(string source, string name, params string[] dcmodify)
    {
        var path = _temp.File(name);
        File.Copy(source, path);
        await Dcmtk.RunAsync("dcmodify", ["-nb", .. dcmodify, path]);
        return path;
    }

    /// <summary>storescu to the product; returns the file storescp (the registry) wrote for it.</summary>
    private async Task<string> SendAndReceiveAsync(string path)
    {
        var before = Directory.GetFiles(_received).ToHashSet();
        await Dcmtk.RunAsync("storescu", "-R", "-aet", "MODALITY", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture), path);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var added = Directory.GetFiles(_received).Where(f => !before.Contains(f)).ToList();
            // storescp writes the file before it answers; the log row is marked after the answer.
            if (added.Count == 1 && (await Submissions.ListAsync()).Count(s => s.Status == RegistrySubmissionStatuses.Sent) == before.Count + 1) return added[0];
            Assert.True(DateTime.UtcNow < deadline, $"the registry did not receive {Path.GetFileName(path)}");
            await Task.Delay(200);
        }
    }

    private async Task<RegistrySubmission> WaitForAsync(Func<RegistrySubmission, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = (await Submissions.ListAsync()).FirstOrDefault(condition);
            if (match is not null) return match;
            Assert.True(DateTime.UtcNow < deadline, "the delivery log never showed the expected submission: "
                + string.Join("; ", (await Submissions.ListAsync()).Select(s => $"{s.Id} {s.Status} x{s.Attempts} {s.LastError}")));
            await Task.Delay(200);
        }
    }

    /// <summary>The top-level value dcmdump prints for a tag (text in brackets), or null when absent or empty.</summary>
    private static string? Value(string dump, string tag)
    {
        var m = Regex.Match(dump, $@"^\({Regex.Escape(tag)}\) [A-Z]{{2}} \[([^\]]*)\]", RegexOptions.Multiline | RegexOptions.IgnoreCase);
        return m.Success ? m.Groups[1].Value.TrimEnd('\0', ' ') : null;
    }

    private static int Occurrences(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    /// <summary>dsrdump's NUM items: concept, value and unit, in document order.</summary>
    private static List<string> Numbers(string dsrdump) => NumItem().Matches(dsrdump).Select(m => m.Value).ToList();

    [GeneratedRegex(@"NUM:\([^)]*\)=""[^""]*"" \([^)]*\)")]
    private static partial Regex NumItem();

    private static readonly HashSet<string> ClassUidTags = ["0002,0002", "0002,0010", "0002,0012", "0008,0016", "0008,1150"];

    [GeneratedRegex(@"^\s*\((?<tag>[0-9a-fA-F]{4},[0-9a-fA-F]{4})\) UI \[(?<uid>[^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex UiValue();
}
