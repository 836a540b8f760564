using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Tests.Extraction;

internal static class CtChecks
{
    public static void Events(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        Assert.Equal(expected.Events.Count, result.Events.Count);
        for (var i = 0; i < result.Events.Count; i++)
        {
            var items = expected.Events[i];
            var ev = result.Events[i];
            var at = $"CT event {i + 1}";
            if (items.First("113769")?.TextValue() is { } uid) check.Text(uid, ev.EventUid, $"{at} Irradiation Event UID");
            check.Text(items.First("125203")?.TextValue(), ev.Protocol, $"{at} protocol");
            check.Code(items.First("123014"), ev.TargetRegion, $"{at} target region");
            check.Code(items.First("113820"), ev.AcquisitionType, $"{at} acquisition type");
            check.Num(items.First("113830"), "mGy", ev.CtdiVolMGy, $"{at} CTDIvol");
            check.Num(items.First("113838"), "mGy.cm", ev.DlpMGyCm, $"{at} DLP");
            check.Num(items.First("113930"), "mGy", ev.SsdeMGy, $"{at} SSDE");
            check.Num(items.First("113980"), "mm", ev.WaterEquivalentDiameterMm, $"{at} water-equivalent diameter");
            check.Num(items.First("113828"), "1", ev.PitchFactor, $"{at} pitch factor");
            check.Num(items.First("113825"), "mm", ev.ScanLengthMm, $"{at} scanning length");
            check.Num(items.First("113824"), "s", ev.ExposureTimeS, $"{at} exposure time");
            check.Num(items.First("113826"), "mm", ev.NominalSingleCollimationMm, $"{at} single collimation");
            check.Num(items.First("113827"), "mm", ev.NominalTotalCollimationMm, $"{at} total collimation");
            check.Num(items.Where(x => CtChecks.Under(x, "113829")).ToList().First("113839"), "mSv", ev.ReportedEffectiveDoseMSv, $"{at} effective dose as reported");
            var context = items.First("408730004");
            check.Text(context is { } c ? c.GetProperty("value").GetProperty("meaning").GetString() : null, ev.ProcedureContext, $"{at} procedure context (contrast)");
            var phantom = items.First("113835")?.CodeValue()?.Code switch { "113690" => CtdiPhantom.Head16, "113691" => CtdiPhantom.Body32, _ => (CtdiPhantom?)null };
            Assert.Equal(phantom, ev.Phantom);

            // Per X-ray source (dual-source CT has two): the kVp and mA items under each 113831 container, in order.
            var kvps = items.Where(x => x.HasConcept("113733") && InSource(x)).ToList();
            var currents = items.Where(x => x.HasConcept("113734") && InSource(x)).ToList();
            var maxima = items.Where(x => x.HasConcept("113833") && InSource(x)).ToList();
            var rotations = items.Where(x => x.HasConcept("113834") && InSource(x)).ToList();
            var sources = items.Count(x => x.HasConcept("113831"));
            Assert.Equal(sources, ev.XRaySources.Count);
            for (var s = 0; s < sources; s++)
            {
                check.Num(s < kvps.Count ? kvps[s] : null, "kV", ev.XRaySources[s].Kvp, $"{at} source {s + 1} kVp");
                check.Num(s < currents.Count ? currents[s] : null, "mA", ev.XRaySources[s].TubeCurrentMA, $"{at} source {s + 1} tube current");
                check.Num(s < maxima.Count ? maxima[s] : null, "mA", ev.XRaySources[s].MaximumTubeCurrentMA, $"{at} source {s + 1} maximum tube current");
                check.Num(s < rotations.Count ? rotations[s] : null, "s", ev.XRaySources[s].ExposureTimePerRotationS, $"{at} source {s + 1} exposure time per rotation");
            }

            var alert = items.First("113900");
            var notification = items.First("113908");
            Assert.Equal(alert is not null, ev.DoseCheck?.Alert is not null);
            Assert.Equal(notification is not null, ev.DoseCheck?.Notification is not null);
            if (alert is not null)
            {
                var a = ev.DoseCheck!.Alert!;
                var alertItems = items.Where(x => Under(x, "113900")).ToList();
                check.Num(alertItems.First("113904"), "mGy", a.CtdiVolAlertValueMGy, $"{at} CTDIvol alert value");
                check.Num(alertItems.First("113903"), "mGy.cm", a.DlpAlertValueMGyCm, $"{at} DLP alert value");
                check.Num(alertItems.First("113905"), "mGy.cm", a.AccumulatedDlpForwardEstimateMGyCm, $"{at} accumulated DLP forward estimate");
                check.Num(alertItems.First("113906"), "mGy", a.AccumulatedCtdiVolForwardEstimateMGy, $"{at} accumulated CTDIvol forward estimate");
                check.Text(alertItems.First("113907")?.TextValue(), a.ReasonForProceeding, $"{at} alert reason for proceeding");
                check.Text(alertItems.First("113870")?.TextValue(), a.AuthorizedBy, $"{at} alert authorized by");
            }
            if (notification is not null)
            {
                var n = ev.DoseCheck!.Notification!;
                var notificationItems = items.Where(x => Under(x, "113908")).ToList();
                check.Num(notificationItems.First("113912"), "mGy", n.CtdiVolNotificationValueMGy, $"{at} CTDIvol notification value");
                check.Num(notificationItems.First("113911"), "mGy.cm", n.DlpNotificationValueMGyCm, $"{at} DLP notification value");
                check.Num(notificationItems.First("113914"), "mGy", n.CtdiVolForwardEstimateMGy, $"{at} CTDIvol forward estimate");
                check.Text(notificationItems.First("113907")?.TextValue(), n.ReasonForProceeding, $"{at} notification reason for proceeding");
                check.Num(notificationItems.First("113913"), "mGy.cm", n.DlpForwardEstimateMGyCm, $"{at} DLP forward estimate");
                check.Text(notificationItems.First("113870")?.TextValue(), n.AuthorizedBy, $"{at} notification authorized by");
            }
        }
    }

    public static void Accumulated(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        var acc = expected.Accumulations.FirstOrDefault() ?? [];
        check.Num(acc.First("113813"), "mGy.cm", result.Accumulated.DlpTotalMGyCm, "CT Dose Length Product Total");
        check.Num(acc.First("113812"), "1", result.Accumulated.ReportedEventCount, "Total Number of Irradiation Events");
        check.Num(acc.First("113814"), "mSv", result.Accumulated.CtEffectiveDoseTotalMSv, "CT Effective Dose Total");
    }

    private static bool InSource(System.Text.Json.JsonElement item) => Under(item, "113831");

    internal static bool Under(System.Text.Json.JsonElement item, string container) =>
        item.GetProperty("path").EnumerateArray().Any(p => p.GetString() == container);
}
