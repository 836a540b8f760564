using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// Real samples (../shared/samples) saved in the orders that can leave a stored study summary (migration 0012) behind
/// its events: the same object twice, image headers before the dose report of their study, cumulative reports, and a
/// study whose date arrives only with a later object. Also a dashboard-sized history: CT samples re-filed under new
/// study UIDs on chosen days, some on the same day (ties on day and start time), some without protocols.
/// </summary>
internal static class SummaryScenarios
{
    public static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    /// <summary>The result under new study and SOP instance UIDs (+ "." + suffix), on <paramref name="day"/>, its events changed.</summary>
    public static ExtractionResult Refile(ExtractionResult r, string suffix, DateOnly? day, Func<IrradiationEvent, IrradiationEvent>? change = null) => r with
    {
        Instance = r.Instance with { SopInstanceUid = $"{r.Instance.SopInstanceUid}.{suffix}" },
        Study = r.Study! with { StudyInstanceUid = $"{r.Study!.StudyInstanceUid}.{suffix}", StudyDate = day },
        Events = change is null ? r.Events : r.Events.Select(change).ToList(),
    };

    /// <summary>An image-header object of <paramref name="study"/> with one event per (key, CTDIvol, DLP).</summary>
    public static ExtractionResult CtImageHeader(Study study, string sop, params (string EventUid, double CtdiVol, double? Dlp)[] events) =>
        new(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.2", sop, "1.2.3.series", "CT"), study,
            events.Select(e => new IrradiationEvent
            {
                EventUid = e.EventUid, EventKeyKind = e.EventUid.Contains('/', StringComparison.Ordinal) ? "SeriesAndAcquisition" : "IrradiationEventUid",
                Source = DoseSourceKind.CtImageHeader, CtdiVolMGy = e.CtdiVol, DlpMGyCm = e.Dlp, Protocol = "HEADER ONLY",
            }).ToList(), AccumulatedDose.None, [], []);

    /// <summary>Saves every ordering that the summaries must survive; returns the study UIDs it touched.</summary>
    public static async Task<IReadOnlyList<string>> SaveVariedAsync(DoseRecordRepository repository)
    {
        var studies = new List<string>();
        // The same object twice.
        var flash = Extract("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm");
        await repository.SaveAsync(flash);
        await repository.SaveAsync(flash);
        studies.Add(flash.Study!.StudyInstanceUid);

        // Image headers first, then the dose report of the same study (which outranks them), then a header again.
        var toshiba = Extract("openrem/CT-RDSR-Toshiba_DoseCheck.dcm");
        var header = CtImageHeader(toshiba.Study!, toshiba.Instance.SopInstanceUid + ".h",
            (toshiba.Events[0].EventUid, 999, 999), ("1.2.3.series/1", 5, 50));
        await repository.SaveAsync(header);
        await repository.SaveAsync(toshiba);
        await repository.SaveAsync(header);
        studies.Add(toshiba.Study!.StudyInstanceUid);

        // Cumulative reports: each later one repeats the earlier events (saved out of order).
        foreach (var part in new[] { "openrem/CT-RDSR-Siemens-Multi-2.dcm", "openrem/CT-RDSR-Siemens-Multi-1.dcm", "openrem/CT-RDSR-Siemens-Multi-3.dcm" })
            await repository.SaveAsync(Extract(part));
        studies.Add(Extract("openrem/CT-RDSR-Siemens-Multi-1.dcm").Study!.StudyInstanceUid);

        // The study's date and modality arrive with its second object: the first object's events must get them.
        var ge = Extract("openrem/CT-RDSR-GEPixelMed.dcm");
        var undated = ge with
        {
            // Suffixes that Refile's numbered copies never take: a SOP Instance UID saved again under another study moves there.
            Instance = ge.Instance with { SopInstanceUid = ge.Instance.SopInstanceUid + ".9001" },
            Study = ge.Study! with { StudyDate = null, Modality = null },
            Events = ge.Events.Take(1).ToList(),
        };
        var dated = ge with { Instance = ge.Instance with { SopInstanceUid = ge.Instance.SopInstanceUid + ".9002" }, Events = ge.Events.Skip(1).ToList() };
        await repository.SaveAsync(undated);
        await repository.SaveAsync(dated);
        studies.Add(ge.Study!.StudyInstanceUid);

        // A PET image of the PET/CT study before its RRDSR, another after (the report supersedes both), and a PET-only study.
        await repository.SaveAsync(Extract("openrem/NM-PetIm-Siemens.dcm"));
        var petOnly = Extract("openrem/NM-PetIm-GE.dcm");
        await repository.SaveAsync(petOnly);
        studies.Add(petOnly.Study!.StudyInstanceUid);

        // Other modalities' quantities: DAP, AGD, administered activity.
        foreach (var sample in new[] { "openrem/DX-RDSR-Canon_CXDI.dcm", "openrem/MG-RDSR-Hologic_2D.dcm", "openrem/RF-RDSR-Siemens-Zee.dcm", "openrem/NM-RRDSR-Siemens.dcm" })
        {
            var r = Extract(sample);
            await repository.SaveAsync(r);
            studies.Add(r.Study!.StudyInstanceUid);
        }
        await repository.SaveAsync(Extract("openrem/NM-PetIm-Siemens-2.dcm"));
        return studies;
    }

    /// <summary>
    /// CT, DX and MG studies on the days up to <paramref name="anchor"/> (one CT study 40 days before), with ties on day
    /// and start time (one file twice on a day), a study without protocols, one whose protocol is literally
    /// "(no protocol)", one without start times, and a study whose image header was saved before its report.
    /// </summary>
    public static async Task SaveHistoryAsync(DoseRecordRepository repository, DateOnly anchor)
    {
        string[] ct = ["openrem/CT-RDSR-Siemens-Multi-1.dcm", "openrem/CT-RDSR-Toshiba_DoseCheck.dcm", "openrem/CT-RDSR-GEPixelMed.dcm",
            "openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", "openrem/CT-RDSR-Philips_BigBore4DCT.dcm", "openrem/CT-RDSR-ToshibaPixelMed.dcm"];
        var extracted = ct.Select(Extract).ToList();
        var n = 0;
        for (var daysBefore = 0; daysBefore < 6; daysBefore++)
            for (var k = 0; k < extracted.Count; k++)
            {
                if ((daysBefore + k) % 2 == 1) continue;
                var day = anchor.AddDays(-daysBefore);
                await repository.SaveAsync(Refile(extracted[k], $"{n++}", day));
                if (k == 0) await repository.SaveAsync(Refile(extracted[k], $"{n++}", day)); // same day, same start times
            }
        await repository.SaveAsync(Refile(extracted[3], $"{n++}", anchor.AddDays(-1), e => e with { Protocol = null }));
        await repository.SaveAsync(Refile(extracted[2], $"{n++}", anchor.AddDays(-3), e => e with { Protocol = DashboardRepository.NoProtocol }));
        await repository.SaveAsync(Refile(extracted[1], $"{n++}", anchor.AddDays(-2), e => e with { StartedAt = null }));
        await repository.SaveAsync(Refile(extracted[0], $"{n++}", anchor.AddDays(-40)));

        var mixed = Refile(extracted[1], $"{n++}", anchor);
        await repository.SaveAsync(CtImageHeader(mixed.Study!, mixed.Instance.SopInstanceUid + ".h", (mixed.Events[0].EventUid, 999, 999), ("1.2.3.series/1", 5, 50)));
        await repository.SaveAsync(mixed);

        foreach (var (sample, days) in new[] { ("openrem/DX-RDSR-Canon_CXDI.dcm", 1), ("openrem/DX-RDSR-Canon_CXDI.dcm", 1), ("openrem/DX-RDSR-Canon_CXDI.dcm", 2), ("openrem/MG-RDSR-Hologic_2D.dcm", 1) })
            await repository.SaveAsync(Refile(Extract(sample), $"{n++}", anchor.AddDays(-days)));
    }
}
