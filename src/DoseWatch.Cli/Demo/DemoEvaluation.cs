using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// <c>dosewatch demo evaluate</c>: measures what the analysis finds on a fresh installation with no protocol mapping.
/// A demo history with planted anomalies of every kind (<see cref="DemoHistory.GenerateForEvaluation"/>) goes the
/// product's way minus the network, in date order: each study written as its objects, extracted by
/// <see cref="DoseExtractor"/>, saved, then analysed by <see cref="StudyAnalysis"/> (the Hangfire job's own code) with
/// the default rules a first start stores. Prints, per planted anomaly, whether an alert of the expected kind was
/// raised on its study; per alert kind, recall and precision; and the share of unplanted studies with any alert.
/// </summary>
internal static class DemoEvaluation
{
    /// <summary>The alert kind (type, and quantity or check) a planted anomaly should raise; "*" any quantity.</summary>
    public static string Expected(DemoAnomaly anomaly) => anomaly switch
    {
        DemoAnomaly.DoseOutlier => "dose-outlier:*",
        DemoAnomaly.ChangedKvp => "protocol-deviation:kvp",
        DemoAnomaly.ChangedPitch => "protocol-deviation:pitchFactor",
        DemoAnomaly.ChangedCollimation => "protocol-deviation:totalCollimationMm",
        DemoAnomaly.WrongTargetRegion => "protocol-deviation:targetRegion",
        DemoAnomaly.RepeatedAcquisition => "protocol-deviation:eventCount",
        DemoAnomaly.SarExcursion => "notification-value:sar",
        DemoAnomaly.ThermalIndexExcursion => "notification-value:thermalIndex",
        DemoAnomaly.DrlExceedance => "drl-exceeded:*",
        DemoAnomaly.CumulativeFluoroscopy => "cumulative-dose:*",
        _ => throw new ArgumentOutOfRangeException(nameof(anomaly), anomaly, "not planted by the evaluation"),
    };

    /// <summary>
    /// The planted case a study belongs to: the cumulative patient's four studies are one case, and so are the studies of
    /// the DRL drift (a median is found on whichever study takes it above); every other anomaly is its own study.
    /// </summary>
    private static string Case(DemoStudy study) =>
        study.Anomaly is DemoAnomaly.CumulativeFluoroscopy or DemoAnomaly.DrlExceedance ? study.Anomaly.ToString() : study.StudyUid;

    private static bool Matches(string expected, string kind) =>
        expected.EndsWith(":*", StringComparison.Ordinal) ? kind.StartsWith(expected[..^1], StringComparison.Ordinal) : kind == expected;

    public sealed record Result(int Planted, int Found, int UnplantedStudies, int UnplantedWithAlert)
    {
        public double UnplantedAlertRate => UnplantedStudies == 0 ? 0 : (double)UnplantedWithAlert / UnplantedStudies;
    }

    public static async Task<Result> RunAsync(IDbConnectionFactory database, IReadOnlyList<DemoStudy> studies, TextWriter output)
    {
        await new MigrationRunner(database, MigrationCatalog.Embedded(database.Provider)).MigrateAsync();
        var clock = TimeProvider.System;
        var rules = new RuleRepository(database, clock);
        await rules.SeedAsync(DefaultRules.All);
        var analysis = new StudyAnalysis(database, rules, new ProtocolRepository(database, clock), new AlertRepository(database, clock), clock);
        var repository = new DoseRecordRepository(database);
        // As a fresh installation in its default (identified) mode: a new random pseudonym key that links a patient's studies.
        var patients = new PatientIdentification(new PatientPseudonym(RandomNumberGenerator.GetBytes(32)), PrivacyMode.Identified);
        var timer = Stopwatch.StartNew();
        foreach (var study in studies)
        {
            foreach (var file in DemoObjects.Write(study))
            {
                var result = DoseExtractor.Extract(file);
                // Only the pseudonym is kept: it links a patient's studies for the cumulative rules, and the demo has no key ring to seal identifiers with.
                if (result.Kind == ExtractionKind.DoseObject)
                    await repository.SaveAsync(result, null, new StoredPatientIdentity(null, patients.Read(file.DataSet).Pseudonym));
            }
            // As the defaults' HistoryStudies and ReferenceMinimumStudies (DoseWatch:Alerts, AlertsOptions).
            await analysis.AnalyzeAsync(study.StudyUid, historyStudies: 500, referenceMinimumStudies: 20,
                invalidRule: (rule, e) => throw new InvalidOperationException($"default rule '{rule.Name}' is invalid: {e.Message}"));
        }
        output.WriteLine($"demo evaluate: {studies.Count} studies extracted and analysed in {timer.Elapsed.TotalSeconds:0} s, no protocol mapped");

        await using var connection = await database.OpenAsync();
        var alerts = (await connection.QueryAsync<(string Study, string Type, string Quantity)>("SELECT study_instance_uid, type, quantity FROM alerts"))
            .Select(a => (a.Study, Kind: $"{a.Type}:{a.Quantity}")).ToList();
        // The weekly digest of new names is about the installation, not the study it happens to be raised on.
        var digests = alerts.Count(a => a.Kind == "protocol-deviation:newProtocolNames");
        var perStudy = alerts.Where(a => a.Kind != "protocol-deviation:newProtocolNames").ToLookup(a => a.Study, a => a.Kind);
        var planted = studies.Where(s => s.Anomaly != DemoAnomaly.None).ToList();
        var plantedUids = planted.Select(s => s.StudyUid).ToHashSet(StringComparer.Ordinal);

        output.WriteLine();
        output.WriteLine($"{"planted anomaly",-24} {"modality",-18} {"protocol",-24} {"expected alert",-38} found");
        var found = 0;
        var cases = planted.GroupBy(Case).ToList();
        foreach (var group in cases)
        {
            var s = group.First();
            var expected = Expected(s.Anomaly);
            var hit = group.Any(g => perStudy[g.StudyUid].Any(k => Matches(expected, k)));
            if (hit) found++;
            var also = string.Join(", ", group.SelectMany(g => perStudy[g.StudyUid]).Distinct().Order(StringComparer.Ordinal));
            var studiesOfCase = group.Count() > 1 ? $" ({group.Count()} studies)" : "";
            output.WriteLine($"{s.Anomaly + studiesOfCase,-24} {s.Device.Modality,-18} {s.Protocol.Name,-24} {expected,-38} {(hit ? "yes" : "NO")}  [{also}]");
        }

        output.WriteLine();
        output.WriteLine($"{"expected alert",-38} {"planted",8} {"found",6} {"recall",7}");
        foreach (var kind in planted.GroupBy(s => Expected(s.Anomaly)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ofKind = kind.GroupBy(Case).ToList();
            var hits = ofKind.Count(c => c.Any(s => perStudy[s.StudyUid].Any(k => Matches(kind.Key, k))));
            output.WriteLine($"{kind.Key,-38} {ofKind.Count,8} {hits,6} {Percent(hits, ofKind.Count),7}");
        }

        output.WriteLine();
        output.WriteLine($"{"alert raised",-38} {"alerts",8} {"on planted studies",19} {"precision",9}");
        foreach (var kind in perStudy.SelectMany(g => g.Select(k => (Study: g.Key, Kind: k))).GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var onPlanted = kind.Count(a => plantedUids.Contains(a.Study));
            output.WriteLine($"{kind.Key,-38} {kind.Count(),8} {onPlanted,19} {Percent(onPlanted, kind.Count()),9}");
        }
        var unplanted = studies.Where(s => s.Anomaly == DemoAnomaly.None).ToList();
        var unplantedWithAlert = unplanted.Count(s => perStudy[s.StudyUid].Any());
        output.WriteLine();
        output.WriteLine($"planted anomalies found: {found} of {cases.Count}");
        output.WriteLine($"unplanted studies with an alert: {unplantedWithAlert} of {unplanted.Count} ({Percent(unplantedWithAlert, unplanted.Count)}; goal at most 2 %)");
        output.WriteLine($"weekly digest alerts of new protocol names: {digests}");
        // National DRLs are judged on a device's median: each alert names its sample.
        var drl = (await connection.QueryAsync<string>("SELECT message FROM alerts WHERE type = 'drl-exceeded' ORDER BY id")).ToList();
        if (drl.Count > 0) output.WriteLine();
        foreach (var message in drl) output.WriteLine($"DRL alert: {message}");
        return new Result(cases.Count, found, unplanted.Count, unplantedWithAlert);
    }

    private static string Percent(int part, int whole) => whole == 0 ? "-" : ((double)part / whole).ToString("P1", CultureInfo.InvariantCulture);
}
