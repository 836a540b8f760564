using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// GET /api/v1/alerts with the inbox's filters (modality, device, date range) and paging past 200, GET
/// /api/v1/alerts/counts, and POST /api/v1/alerts/acknowledge over HTTP on the running app; and the plain-word helpers.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertInboxApiFacts(AlertsAppFixture fixture)
{
    [Fact]
    public async Task Filters_paging_counts_and_bulk_acknowledge_over_http()
    {
        var tag = Random.Shared.NextInt64(1, 1_000_000);
        var ct = new DeviceIdentity("ACME", "Api CT", $"CT-API-{tag}", $"SN-A{tag}", null);
        var rules = await fixture.Service<RuleRepository>().ListAsync();
        var deviation = rules.First(r => r.Type == RuleType.ProtocolDeviation);
        var drl = rules.First(r => r.Type == RuleType.DrlExceeded);
        var study = new Study($"2.25.{tag}.5", $"ACC{tag}", new DateOnly(2025, 11, 3), null, "CT", "CT HEAD", PatientCharacteristics.Unknown, ct);
        await fixture.SaveStudyAsync(study);
        var alerts = fixture.Service<AlertRepository>();
        var ids = new List<long>();
        for (var i = 0; i < 205; i++)
            ids.AddRange(await alerts.StoreAsync(study, [new AlertCandidate(study.StudyInstanceUid, $"{study.StudyInstanceUid}.{i}", i < 3 ? drl : deviation,
                "dlp", 900, 790, "mGy.cm", "m", AlertEvidence.Of(null))]));
        Assert.Equal(205, ids.Count);

        using var client = fixture.App.CreateHttpClient(Roles.Qa);
        var device = Uri.EscapeDataString(ct.Key);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?device={device}&modality=CT&from={today}&to={today}&pageSize=200");
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?device={device}&modality=CT&from={today}&to={today}&pageSize=200&page=2");
        Assert.Equal((205L, 2, 200, 5), (first.GetProperty("total").GetInt64(), first.GetProperty("pages").GetInt32(),
            first.GetProperty("items").GetArrayLength(), second.GetProperty("items").GetArrayLength()));
        Assert.Equal(ids.OrderDescending(), first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(a => a.GetProperty("id").GetInt64()));
        var item = first.GetProperty("items")[0];
        Assert.Equal(("2025-11-03", $"ACC{tag}", $"CT-API-{tag} · Api CT · ACME"), (item.GetProperty("study").GetProperty("studyDate").GetString(),
            item.GetProperty("study").GetProperty("accessionNumber").GetString(), item.GetProperty("study").GetProperty("device").GetString()));
        // A day before today excludes everything; another modality too.
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?device={device}&to={yesterday}")).GetProperty("total").GetInt64());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?device={device}&modality=MR")).GetProperty("total").GetInt64());

        var counts = await client.GetFromJsonAsync<Dictionary<string, long>>($"/api/v1/alerts/counts?device={device}&type=drl-exceeded");
        Assert.Equal((3L, 202L, 0L), (counts!["drl-exceeded"], counts["protocol-deviation"], counts["dose-outlier"]));
        Assert.Equal(Enum.GetValues<RuleType>().Length, counts.Count);

        using var bad = await client.GetAsync($"/api/v1/alerts?to=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        // Bulk: the three DRL alerts, one of them acknowledged already, plus an unknown id.
        await alerts.AcknowledgeAsync(ids[0], "someone", null);
        using var response = await client.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { ids = new[] { ids[0], ids[1], ids[2], 987_654_321L }, comment = "DRL review booked" });
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([ids[1], ids[2]], result.GetProperty("acknowledged").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([ids[0], 987_654_321L], result.GetProperty("skipped").EnumerateArray().Select(e => e.GetInt64()));
        var acknowledged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?device={device}&status=acknowledged");
        Assert.Equal(3, acknowledged.GetProperty("total").GetInt64());
        var audit = (await fixture.Service<AuditLog>().QueryAsync(new AuditQuery(Action: AlertActions.Acknowledge))).Items
            .Where(e => e.Target == $"alert:{ids[1]}" || e.Target == $"alert:{ids[2]}").ToList();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, e => Assert.Equal("apikey:tests-qa", e.Actor)); // the API key the client signs in with
        using var empty = await client.PostAsJsonAsync("/api/v1/alerts/acknowledge", new { ids = Array.Empty<long>() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Theory]
    [InlineData("1", "")]
    [InlineData("mGy.cm", "mGy·cm")]
    [InlineData("Gy.cm2", "Gy·cm²")]
    [InlineData("{events}", "events")]
    [InlineData("mGy", "mGy")]
    public void Units_are_written_for_people(string unit, string shown) => Assert.Equal(shown, AlertWording.Unit(unit));

    [Fact]
    public void Dimensionless_values_have_no_unit_and_internal_keys_become_words()
    {
        Assert.Equal("1.5", AlertWording.Value(1.5, "1"));
        Assert.Equal("1,234.5 mGy·cm", AlertWording.Value(1234.5, "mGy.cm"));
        Assert.Equal("pitch 1.8 is outside 0.9–1.2 (score 3.5).", AlertWording.Message("pitch 1.8 1 is outside 0.9–1.2 (score 3.5 1)."));
        Assert.Equal("CTDIvol 60 mGy exceeds; DLP 900 mGy·cm", AlertWording.Message("ctdivol 60 mGy exceeds; dlp 900 mGy.cm"));
        foreach (var key in new[] { "logMad", "scoreThreshold", "sampleSize" })
            Assert.DoesNotMatch("[a-z][A-Z]", AlertWording.Fact(key));
        Assert.Equal("Robust window days", AlertWording.Fact("robustWindowDays"));
    }
}
