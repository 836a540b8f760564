using DoseWatch.Web.Access;
using DoseWatch.Core.Access;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Domain;
using DoseWatch.Web.Alerts;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// The analysis job on the running app (Hangfire, SQLite) and the alerts API over HTTP: an outlier raises exactly one
/// dose-outlier alert, e-mailed and posted to the subscribers; reruns add nothing; a changed kVp and an unknown
/// protocol name raise protocol deviations; the lifecycle is driven through the API.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertsApiFacts(AlertsAppFixture fixture)
{
    // Independent of the production statistics: a plain sort-and-pick median.
    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private async Task<JsonElement> WaitForAlertsAsync(HttpClient client, string query, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?" + query);
            if (page.GetProperty("total").GetInt64() >= count || DateTime.UtcNow > deadline) return page;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task An_outlier_raises_one_dose_outlier_alert_delivered_by_email_and_webhook_and_reruns_add_nothing()
    {
        var device = new DeviceIdentity("ACME", "Outlier CT", "CT-OUT", "SN-OUT", null);
        await fixture.MapAsync("Chest routine", "Chest CT");
        // 30 ordinary studies: CTDIvol 8.0, 8.5, ..., 11.0 mGy (7 values) in turn, all at 120 kV.
        var ordinary = Enumerable.Range(0, 30).Select(i => 8.0 + 0.5 * (i % 7)).ToList();
        for (var i = 0; i < ordinary.Count; i++) await fixture.SaveStudyAsync(device, $"2.25.1001.{i}", "Chest routine", ordinary[i], 120);
        await fixture.SaveStudyAsync(device, "2.25.1001.99", "Chest routine", 60, 120);

        fixture.Service<StudyAnalysisQueue>().Enqueue("2.25.1001.99");
        using var client = fixture.App.CreateHttpClient();
        var page = await WaitForAlertsAsync(client, "type=dose-outlier&study=2.25.1001.99", 1);

        var alert = Assert.Single(page.GetProperty("items").EnumerateArray());
        // Threshold = median · exp((3.5 + 30/n) · 1.4826 · max(MAD of ln CTDIvol, 0.01)), n = 30, from the values written above.
        var logs = ordinary.Select(v => Math.Log(v)).ToList();
        var medianLog = Median(logs);
        var mad = Median(logs.Select(l => Math.Abs(l - medianLog)));
        var threshold = Math.Exp(medianLog) * Math.Exp((3.5 + 30.0 / 30) * 1.4826 * Math.Max(mad, 0.01));
        Assert.Equal(("2.25.1001.99", "2.25.1001.99.1", "dose-outlier", "CTDIvol outlier", 60.0, "mGy", "new", "Chest CT"),
            (alert.GetProperty("studyInstanceUid").GetString(), alert.GetProperty("eventUid").GetString(), alert.GetProperty("type").GetString(),
             alert.GetProperty("rule").GetProperty("name").GetString(), alert.GetProperty("value").GetDouble(), alert.GetProperty("unit").GetString(),
             alert.GetProperty("status").GetString(), alert.GetProperty("standardProtocol").GetString()));
        Assert.Equal(threshold, alert.GetProperty("threshold").GetDouble(), 9);
        Assert.Equal(ordinary.Order(), alert.GetProperty("evidence").GetProperty("distribution").EnumerateArray().Select(v => v.GetDouble()));

        var mail = await fixture.Smtp.WaitForMessageAsync(TimeSpan.FromSeconds(20), m => (m.Subject ?? "").Contains("2.25.1001.99"));
        Assert.Contains("qa@hospital.example", mail.To.Mailboxes.Select(m => m.Address));
        var hook = await fixture.Webhook.WaitForAsync(h => h.GetProperty("id").GetInt64() == alert.GetProperty("id").GetInt64(), TimeSpan.FromSeconds(20));
        Assert.Equal(alert.GetProperty("studyInstanceUid").GetString(), hook.GetProperty("studyInstanceUid").GetString());

        // Rerun (as after a retry or a continued RDSR): nothing new.
        Assert.Empty(await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync("2.25.1001.99", CancellationToken.None));
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?type=dose-outlier&study=2.25.1001.99")).GetProperty("total").GetInt64());

        // A changed kVp and an unknown protocol name are protocol deviations; an ordinary study raises nothing.
        await fixture.SaveStudyAsync(device, "2.25.1001.100", "Chest routine", 9, 100);
        await fixture.SaveStudyAsync(device, "2.25.1001.101", "Chest special new", 9, 120);
        await fixture.SaveStudyAsync(device, "2.25.1001.102", "Chest routine", 9.5, 120);
        var job = fixture.Service<AnalyzeStudyJob>();
        foreach (var uid in new[] { "2.25.1001.100", "2.25.1001.101", "2.25.1001.102" }) await job.AnalyzeAsync(uid, CancellationToken.None);
        var kvp = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?study=2.25.1001.100")).GetProperty("items").EnumerateArray());
        Assert.Equal(("protocol-deviation", "kvp", 100.0, "kV"), (kvp.GetProperty("type").GetString(), kvp.GetProperty("quantity").GetString(), kvp.GetProperty("value").GetDouble(), kvp.GetProperty("unit").GetString()));
        // An unknown name is review-queue work (issue #15): no alert of its own, at most the weekly digest of new names.
        Assert.All((await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?study=2.25.1001.101")).GetProperty("items").EnumerateArray(),
            a => Assert.Equal(("protocol-deviation", "newProtocolNames"), (a.GetProperty("type").GetString(), a.GetProperty("quantity").GetString())));
        Assert.Contains(await fixture.Service<ProtocolRepository>().ReviewQueueAsync(), q => q.Name.RawName == "Chest special new" && q.Name.DeviceKey == device.Key);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?study=2.25.1001.102")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_lifecycle_is_driven_through_the_api_and_kept()
    {
        var device = new DeviceIdentity("ACME", "Lifecycle CT", "CT-LC", "SN-LC", null);
        await fixture.MapUnapprovedAsync("Lifecycle chest", "Lifecycle chest (other room only)");
        await fixture.SaveStudyAsync(device, "2.25.2002.1", "Lifecycle chest", 9, 120);
        await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync("2.25.2002.1", CancellationToken.None);
        using var client = fixture.App.CreateHttpClient(Roles.Qa);
        var alert = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?study=2.25.2002.1&status=new")).GetProperty("items").EnumerateArray());
        var id = alert.GetProperty("id").GetInt64();

        using (var ack = await client.PostAsJsonAsync($"/api/v1/alerts/{id}/acknowledge", new AlertActionRequest("checking with the radiographer")))
        {
            var acknowledged = await ack.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("acknowledged", "checking with the radiographer"), (acknowledged.GetProperty("status").GetString(), acknowledged.GetProperty("comment").GetString()));
        }
        using (var noComment = await client.PostAsJsonAsync($"/api/v1/alerts/{id}/resolve", new AlertActionRequest(null)))
            Assert.Equal(HttpStatusCode.BadRequest, noComment.StatusCode);
        using (var resolve = await client.PostAsJsonAsync($"/api/v1/alerts/{id}/resolve", new AlertActionRequest("new protocol name, mapped")))
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        using (var again = await client.PostAsJsonAsync($"/api/v1/alerts/{id}/resolve", new AlertActionRequest("again")))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using (var missing = await client.PostAsJsonAsync("/api/v1/alerts/987654/acknowledge", new AlertActionRequest(null)))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}");
        Assert.Equal(("resolved", "new protocol name, mapped"), (detail.GetProperty("alert").GetProperty("status").GetString(), detail.GetProperty("alert").GetProperty("comment").GetString()));
        Assert.Equal(["raised", "acknowledged", "resolved"], detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        var qa = SignedInUser.ApiKeyActor(TestAccounts.ApiKeyName(Roles.Qa));
        Assert.Equal(["system", qa, qa], detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("actor").GetString()));
    }

    [Theory]
    [InlineData("type=nonsense")]
    [InlineData("status=open")]
    [InlineData("from=yesterday")]
    [InlineData("pageSize=0")]
    public async Task Bad_filters_are_refused_with_a_validation_problem(string query)
    {
        using var client = fixture.App.CreateHttpClient();
        using var response = await client.GetAsync("/api/v1/alerts?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task From_filters_on_the_time_the_alert_was_raised()
    {
        var device = new DeviceIdentity("ACME", "From CT", "CT-FROM", "SN-FROM", null);
        await fixture.MapUnapprovedAsync("From chest", "From chest (other room only)");
        await fixture.SaveStudyAsync(device, "2.25.3003.1", "From chest", 9, 120);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync("2.25.3003.1", CancellationToken.None);
        using var client = fixture.App.CreateHttpClient();
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?study=2.25.3003.1&from={Uri.EscapeDataString(before.ToString("O"))}");
        Assert.Equal(1, after.GetProperty("total").GetInt64());
        var later = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?study=2.25.3003.1&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        Assert.Equal(0, later.GetProperty("total").GetInt64());
    }
}
