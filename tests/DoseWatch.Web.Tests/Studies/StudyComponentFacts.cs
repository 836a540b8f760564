using Bunit;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Extraction;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr;
using DoseWatch.Tests;
using DoseWatch.Web.Api;
using DoseWatch.Web.Components.Pages.Studies;

namespace DoseWatch.Web.Tests.Studies;

/// <summary>bUnit: the study browser's components rendered on their own, fed by real samples where they show data.</summary>
public sealed class StudyComponentFacts : IDisposable
{
    private readonly BunitContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void The_filter_form_turns_its_fields_into_the_query_string()
    {
        StudyFilter? applied = null;
        var choices = new StudyFilterChoices(["CT", "DX"], [new DeviceChoice("obs:1.2.3", "CT", "ACME", "Scan 9", "CT_ROOM_1")], ["CT HEAD"]);
        var form = _context.Render<StudyFilterForm>(p => p
            .Add(f => f.Filter, new StudyFilter { Sort = "dose", Dir = "asc", Page = 4 })
            .Add(f => f.Choices, choices)
            .Add(f => f.OnApply, f => applied = f));

        Assert.Empty(form.FindAll("input[name=doseMin]"));
        form.Find("input[name=from]").Change("2026-01-01");
        form.Find("select[name=modality]").Change("CT");
        form.Find("select[name=device]").Change("obs:1.2.3");
        form.Find("select[name=age]").Change("18-40");
        form.Find("select[name=sex]").Change("F");
        // The dose range appears once the modality has a headline quantity, labelled with its unit.
        Assert.Contains(HeadlineDose.For("CT")!.Unit, form.Find("input[name=doseMin]").ParentElement!.TextContent);
        form.Find("input[name=doseMin]").Change("100");
        form.Find("input[name=alerts]").Change(true);
        form.Find("form").Submit();

        Assert.NotNull(applied);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(applied.ToQueryString());
        Assert.Equal("2026-01-01", query["from"]);
        Assert.Equal("CT", query["modality"]);
        Assert.Equal("obs:1.2.3", query["device"]);
        Assert.Equal("18-40", query["age"]);
        Assert.Equal("F", query["sex"]);
        Assert.Equal("100", query["doseMin"]);
        Assert.Equal("open", query["alerts"]);
        Assert.Equal("dose", query["sort"]);
        Assert.False(query.ContainsKey("page"));
        // What the URL says is what the page reads back, and it is a valid repository query.
        Assert.Equal(applied, StudyFilter.FromQueryString(applied.ToQueryString()));
        var (repositoryQuery, errors) = applied.Validate();
        Assert.Empty(errors);
        Assert.Equal((18.0, 40.0), (repositoryQuery!.AgeFromYears, repositoryQuery.AgeBelowYears));
    }

    [Fact]
    public void A_dose_range_without_a_modality_or_an_unknown_sort_is_refused()
    {
        Assert.Contains("doseMin", StudyFilter.FromQueryString("?doseMin=5").Validate().Errors.Keys);
        Assert.Contains("sort", StudyFilter.FromQueryString("?sort=patient_name").Validate().Errors.Keys);
        Assert.Contains("age", StudyFilter.FromQueryString("?age=40-18").Validate().Errors.Keys);
        Assert.Null(StudyFilter.FromQueryString("?from=2026-02-01&to=2026-01-01").Validate().Query);
    }

    [SamplesFact]
    public async Task The_event_table_shows_every_ctdivol_and_dlp_of_the_report_with_its_unit()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-ToshibaPixelMed.dcm");
        var result = DoseExtractor.Extract(DicomReader.ReadFile(sample));
        var events = result.Events.Select(e => new StoredEvent(e, result.Instance.SopInstanceUid, true)).ToList();
        var ctdi = await DsrContent.NumbersAsync(sample, "113830");
        var dlp = await DsrContent.NumbersAsync(sample, "113838");
        Assert.True(ctdi.Count > 1 && dlp.Count > 1, $"{ctdi.Count} CTDIvol and {dlp.Count} DLP values in the sample");

        var table = _context.Render<EventTable>(p => p.Add(t => t.Events, events));

        Assert.Equal(events.Count, table.FindAll("tbody tr").Count);
        Assert.Contains("mGy", table.Find("th[data-column=ctdivol]").TextContent);
        Assert.Contains("mGy·cm", table.Find("th[data-column=dlp]").TextContent);
        // dsrdump's values (mGy and mGy.cm in the file) are the table's, formatted for people; events without CTDIvol show a dash.
        Assert.Equal(ctdi.Select(v => DoseUnits.Number(v)).Order(), table.FindAll("td[data-column=ctdivol]").Select(c => c.TextContent).Where(t => t != "–").Order());
        Assert.Equal(dlp.Select(v => DoseUnits.Number(v)).Order(), table.FindAll("td[data-column=dlp]").Select(c => c.TextContent).Where(t => t != "–").Order());
    }

    [SamplesFact]
    public async Task The_sr_tree_has_one_node_per_content_item_that_dsrdump_lists()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Toshiba_DoseCheck.dcm");
        var expected = await DsrContent.ItemCountAsync(sample);

        var tree = _context.Render<SrTree>(p => p.Add(t => t.Document, SrDocument.From(DicomReader.ReadFile(sample).DataSet)));

        Assert.Equal(expected, tree.FindAll("li.sr-item").Count);
        Assert.Equal("CONTAINER", tree.Find("li.sr-item").GetAttribute("data-value-type"));
        Assert.Contains("X-Ray Radiation Dose Report", tree.Find("li.sr-item summary").TextContent);
        // Containers fold: each one with children is a <details> element.
        Assert.NotEmpty(tree.FindAll("details > summary"));
    }

    [Fact]
    public void The_alert_marker_shows_open_alerts_with_their_reasons_and_links_to_the_first()
    {
        StoredAlert Alert(long id, string type, string status, string message) => new(id, "1.2.3", null, 1, "rule", type, "CTDIvol", 80, 60, "mGy", message, "{}",
            "CT HEAD", "", "CT", status, null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null);
        var alerts = new[]
        {
            Alert(7, "dose-outlier", AlertStatuses.New, "CTDIvol 80 mGy far above the protocol's median"),
            Alert(5, "protocol-deviation", AlertStatuses.Acknowledged, "kVp 140 not in the reference set"),
            Alert(3, "drl-exceeded", AlertStatuses.Resolved, "resolved long ago"),
        };

        var marker = _context.Render<DoseWatch.Web.Components.Pages.Studies.AlertMarker>(p => p.Add(m => m.Alerts, alerts)).Find("a.alert-marker");

        Assert.Equal("2", marker.GetAttribute("data-open-alerts"));
        Assert.Equal("alerts#alert-7", marker.GetAttribute("href"));
        Assert.Contains("severity-dose", marker.ClassList);
        Assert.Contains(alerts[0].Message, marker.GetAttribute("title"));
        Assert.Contains(alerts[1].Message, marker.GetAttribute("title"));
        Assert.DoesNotContain(alerts[2].Message, marker.GetAttribute("title"));
        Assert.Empty(_context.Render<DoseWatch.Web.Components.Pages.Studies.AlertMarker>(p => p.Add(m => m.Alerts, [alerts[2]])).FindAll("a"));
    }
}
