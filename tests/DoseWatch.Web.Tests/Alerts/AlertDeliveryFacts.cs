using System.Text.Json;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Delivery to real servers over loopback: an SMTP server (SmtpServer package) receives the e-mail, a Kestrel app the
/// webhook JSON; a webhook answering 500 is retried with backoff and its failure recorded until it is marked failed.
/// Time is stepped by hand so that the backoff is checked exactly, without waiting.
/// </summary>
public sealed class AlertDeliveryFacts : IAsyncLifetime
{
    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-alerts-");
    private readonly StepClock _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private LoopbackSmtpServer _smtp = null!;
    private WebhookReceiver _webhook = null!;
    private ServiceProvider _http = null!;
    private AlertRepository _alerts = null!;
    private Rule _rule = null!;

    public async Task InitializeAsync()
    {
        _smtp = await LoopbackSmtpServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _http = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var database = await SelectedDatabase.NewMigratedAsync(_directory.FullName);
        _alerts = new AlertRepository(database, _clock);
        _rule = await new RuleRepository(database, _clock).CreateAsync(DefaultRules.All.First(r => r.Type == RuleType.DoseOutlier), "test");
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _webhook.DisposeAsync();
        await _http.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private DeliverAlertsJob Job(int maxAttempts = 6, DigestOptions? digest = null)
    {
        var options = Options.Create(new AlertsOptions
        {
            Digest = digest ?? new DigestOptions(),
            MaxDeliveryAttempts = maxAttempts,
            RetryBackoff = TimeSpan.FromSeconds(30),
            PublicBaseUrl = "https://dosewatch.test/",
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = _smtp.Port, Security = "None", From = "dosewatch@test.example" },
        });
        IAlertChannel[] channels = [new EmailAlertChannel(options), new WebhookAlertChannel(_http.GetRequiredService<IHttpClientFactory>())];
        return new DeliverAlertsJob(_alerts, channels, options, _clock, NullLogger<DeliverAlertsJob>.Instance);
    }

    private async Task<IReadOnlyList<long>> RaiseAsync(params (string Study, double Value)[] alerts)
    {
        var ids = new List<long>();
        foreach (var (study, value) in alerts)
            ids.AddRange(await _alerts.StoreAsync(new Study(study, null, null, null, "CT", null, PatientCharacteristics.Unknown, DeviceIdentity.Unknown),
                [new AlertCandidate(study, "e1", _rule, "ctdivol", value, value / 2, "mGy", $"CTDIvol {value} mGy is an outlier", AlertEvidence.Of(null))]));
        return ids;
    }

    [Fact]
    public async Task An_email_and_a_webhook_arrive_at_real_servers_with_the_alert()
    {
        await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "qa@hospital.example", RuleId: _rule.Id));
        await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", new Uri(_webhook.BaseAddress, "/hook").ToString(), Modality: "CT"));
        var id = Assert.Single(await RaiseAsync(("1.2.3.4", 80)));

        await Job().Run(CancellationToken.None);

        var stored = (await _alerts.GetAsync(id))!;
        var mail = await _smtp.WaitForMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("qa@hospital.example", mail.To.Mailboxes.Single().Address);
        Assert.Contains(stored.StudyInstanceUid, mail.Subject);
        Assert.Contains(stored.Message, mail.TextBody);
        Assert.Contains($"https://dosewatch.test/alerts/{id}", mail.TextBody);

        var hook = Assert.Single(await _webhook.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal((id, stored.StudyInstanceUid, "e1", "dose-outlier", stored.Value!.Value, stored.Threshold!.Value, "mGy", _rule.Id, "new"),
            (hook.GetProperty("id").GetInt64(), hook.GetProperty("studyInstanceUid").GetString(), hook.GetProperty("eventUid").GetString(),
             hook.GetProperty("type").GetString(), hook.GetProperty("value").GetDouble(), hook.GetProperty("threshold").GetDouble(),
             hook.GetProperty("unit").GetString(), hook.GetProperty("rule").GetProperty("id").GetInt64(), hook.GetProperty("status").GetString()));
        Assert.All(await _alerts.DeliveriesOfAsync(id), d => Assert.Equal((DeliveryStatuses.Sent, 1, _clock.Now), (d.Status, d.Attempts, d.SentAt!.Value)));

        await Job().Run(CancellationToken.None); // nothing is sent twice
        Assert.Single(_smtp.Messages);
        Assert.Single(_webhook.Received);
    }

    [Fact]
    public async Task A_burst_of_alerts_becomes_one_digest_email_after_the_digest_window()
    {
        await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "physicist@hospital.example", DigestMinutes: 10));
        var ids = await RaiseAsync(("1.2.1", 50), ("1.2.2", 60));
        _clock.Now = _clock.Now.AddMinutes(5);
        ids = [.. ids, .. await RaiseAsync(("1.2.3", 70))];

        await Job().Run(CancellationToken.None);
        Assert.Empty(_smtp.Messages); // held by the window
        _clock.Now = _clock.Now.AddMinutes(5); // the first two are due; the third joins them

        await Job().Run(CancellationToken.None);
        var mail = await _smtp.WaitForMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("[DoseWatch] Digest: 3 new alerts", mail.Subject);
        foreach (var id in ids) Assert.Contains((await _alerts.GetAsync(id))!.StudyInstanceUid, mail.TextBody);
        Assert.All(await _alerts.ListDeliveriesAsync(), d => Assert.Equal(DeliveryStatuses.Sent, d.Status));
        await Task.Delay(200);
        Assert.Single(_smtp.Messages);
    }

    [Fact]
    public async Task More_than_n_alerts_in_m_minutes_to_one_address_become_one_digest()
    {
        // At most 2 single mails in any 10 minutes; alerts 3, 4 and 5 (raised at minutes 1, 2, 3) are held until the
        // oldest of them has waited 10 minutes (minute 11), then go as one digest: 3 messages for 5 alerts.
        var digest = new DigestOptions { MaxAlerts = 2, Window = TimeSpan.FromMinutes(10) };
        await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "busy@hospital.example"));
        var t0 = _clock.Now;
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            _clock.Now = t0.AddMinutes(i);
            ids.AddRange(await RaiseAsync(($"1.3.{i}", 40 + i)));
            await Job(digest: digest).Run(CancellationToken.None);
        }
        await _smtp.WaitForMessageAsync(TimeSpan.FromSeconds(10), m => (m.Subject ?? "").Contains("1.3.1"));
        Assert.Equal(2, _smtp.Messages.Count);
        Assert.All(await Task.WhenAll(ids.Skip(2).Select(id => _alerts.DeliveriesOfAsync(id))), d => Assert.Equal(DeliveryStatuses.Pending, Assert.Single(d).Status));

        _clock.Now = t0.AddMinutes(10).AddSeconds(59);
        await Job(digest: digest).Run(CancellationToken.None);
        await Task.Delay(200);
        Assert.Equal(2, _smtp.Messages.Count); // still held

        _clock.Now = t0.AddMinutes(11);
        await Job(digest: digest).Run(CancellationToken.None);
        var mail = await _smtp.WaitForMessageAsync(TimeSpan.FromSeconds(10), m => (m.Subject ?? "").StartsWith("[DoseWatch] Digest", StringComparison.Ordinal));
        Assert.Equal("[DoseWatch] Digest: 3 new alerts", mail.Subject);
        foreach (var id in ids.Skip(2)) Assert.Contains((await _alerts.GetAsync(id))!.StudyInstanceUid, mail.TextBody);
        Assert.DoesNotContain("1.3.0", mail.TextBody);
        Assert.Equal(3, _smtp.Messages.Count);
        Assert.All(await _alerts.ListDeliveriesAsync(), d => Assert.Equal(DeliveryStatuses.Sent, d.Status));
    }

    [Fact]
    public async Task A_webhook_retry_never_resends_an_alert_the_receiver_accepted_and_keeps_its_idempotency_key()
    {
        var subscription = await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", new Uri(_webhook.BaseAddress, "/flaky").ToString()));
        var ids = await RaiseAsync(("1.4.1", 50), ("1.4.2", 60), ("1.4.3", 70));
        _webhook.Refused[ids[1]] = true; // the receiver takes the first, refuses the second
        var t0 = _clock.Now;

        await Job().Run(CancellationToken.None);
        Assert.Equal([(ids[0], 204), (ids[1], 500)], _webhook.FlakyCalls.Select(c => (c.AlertId, c.Status))); // stops at the failure
        var accepted = Assert.Single(await _alerts.DeliveriesOfAsync(ids[0]));
        Assert.Equal((DeliveryStatuses.Sent, (int?)204), (accepted.Status, accepted.AcceptedStatus));

        _webhook.Refused.Clear();
        _clock.Now = t0.AddSeconds(30); // the failed one's backoff
        await Job().Run(CancellationToken.None);
        var calls = _webhook.FlakyCalls.ToList();
        // The second run sends the third (due since the start) and retries the second; the first is not sent again.
        Assert.Equal([(ids[0], 204), (ids[1], 500), (ids[2], 204), (ids[1], 204)], calls.Select(c => (c.AlertId, c.Status)));
        foreach (var call in calls)
            Assert.Equal(AlertRepository.IdempotencyKey(call.AlertId, subscription.Id), call.IdempotencyKey); // the same key on the retry
        Assert.All(await _alerts.ListDeliveriesAsync(), d => Assert.Equal((DeliveryStatuses.Sent, (int?)204), (d.Status, d.AcceptedStatus)));
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_backoff_then_marked_failed_and_kept()
    {
        await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", new Uri(_webhook.BaseAddress, "/fail").ToString()));
        var id = Assert.Single(await RaiseAsync(("1.2.9", 90)));
        var job = Job(maxAttempts: 3);
        var t0 = _clock.Now;

        await job.Run(CancellationToken.None);
        var first = Assert.Single(await _alerts.DeliveriesOfAsync(id));
        Assert.Equal((DeliveryStatuses.Pending, 1, t0.AddSeconds(30)), (first.Status, first.Attempts, first.NextAttemptAt));
        Assert.Contains("500", first.LastError);
        Assert.Equal(1, _webhook.Failures);

        await job.Run(CancellationToken.None); // not due yet: no call
        Assert.Equal(1, _webhook.Failures);

        _clock.Now = t0.AddSeconds(30);
        await job.Run(CancellationToken.None);
        var second = Assert.Single(await _alerts.DeliveriesOfAsync(id));
        Assert.Equal((DeliveryStatuses.Pending, 2, _clock.Now.AddSeconds(60)), (second.Status, second.Attempts, second.NextAttemptAt)); // backoff doubled
        Assert.Equal(2, _webhook.Failures);

        _clock.Now = _clock.Now.AddSeconds(60);
        await job.Run(CancellationToken.None);
        var last = Assert.Single(await _alerts.DeliveriesOfAsync(id));
        Assert.Equal((DeliveryStatuses.Failed, 3), (last.Status, last.Attempts));
        Assert.Contains("500", last.LastError);
        Assert.Equal(3, _webhook.Failures);

        _clock.Now = _clock.Now.AddDays(1);
        await job.Run(CancellationToken.None); // given up: no more calls, but the record stays
        Assert.Equal(3, _webhook.Failures);
        Assert.Single(await _alerts.ListDeliveriesAsync(DeliveryStatuses.Failed));
    }

    [Fact]
    public async Task Email_without_smtp_settings_is_recorded_as_a_failed_attempt()
    {
        await _alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "qa@hospital.example"));
        var id = Assert.Single(await RaiseAsync(("1.2.10", 90)));
        var options = Options.Create(new AlertsOptions());
        await new DeliverAlertsJob(_alerts, [new EmailAlertChannel(options)], options, _clock, NullLogger<DeliverAlertsJob>.Instance).Run(CancellationToken.None);
        var delivery = Assert.Single(await _alerts.DeliveriesOfAsync(id));
        Assert.Equal((DeliveryStatuses.Pending, 1), (delivery.Status, delivery.Attempts));
        Assert.Contains("SMTP is not configured", delivery.LastError);
    }
}
