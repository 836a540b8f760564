using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>The running app with a real SMTP server and a webhook receiver on loopback, subscribed to every alert.</summary>
public sealed class AlertsAppFixture : IAsyncLifetime
{
    public LoopbackSmtpServer Smtp { get; private set; } = null!;
    public WebhookReceiver Webhook { get; private set; } = null!;
    public DoseWatchApp App { get; private set; } = null!;
    public int DicomPort { get; } = DoseWatchApp.FreeTcpPort();
    public const string AeTitle = "DW_ALERTS";

    public async Task InitializeAsync()
    {
        Smtp = await LoopbackSmtpServer.StartAsync();
        Webhook = await WebhookReceiver.StartAsync();
        App = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = AeTitle,
            ["Dicom:Port"] = DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DoseWatch:Alerts:Smtp:Host"] = "127.0.0.1",
            ["DoseWatch:Alerts:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DoseWatch:Alerts:Smtp:Security"] = "None",
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.2",
        });
        // The fixture's studies are chest CTs at 8-11 mGy, around the UK chest DRL (8.5 mGy): the national DRL rules, on by
        // default, would add a device-median alert to whichever test's study takes the median above. NationalDrlEndToEndFacts
        // tests them on a fresh app.
        var rules = Service<RuleRepository>();
        foreach (var drl in (await rules.ListAsync()).Where(r => r.Type == RuleType.DrlExceeded && r.Enabled))
            await rules.UpdateAsync(drl with { Enabled = false }, "test fixture");
        var alerts = Service<AlertRepository>();
        await alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "qa@hospital.example", Type: "dose-outlier"));
        await alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", new Uri(Webhook.BaseAddress, "/hook").ToString(), Type: "dose-outlier"));
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async Task SaveStudyAsync(DeviceIdentity device, string studyUid, string protocol, double ctdiVol, double kvp, DateOnly? studyDate = null)
    {
        IrradiationEvent ev = new()
        {
            EventUid = studyUid + ".1", Source = DoseSourceKind.CtRdsr, Protocol = protocol, CtdiVolMGy = ctdiVol, DlpMGyCm = ctdiVol * 30,
            Phantom = CtdiPhantom.Body32, Kvp = kvp, XRaySources = [new XRaySourceParameters("A", kvp, 200, null, null)],
            AcquisitionType = new ConceptCode("116152004", "SCT"), TargetRegion = new ConceptCode("51185008", "SCT", "Chest"), PitchFactor = 1, NominalTotalCollimationMm = 40,
        };
        var study = new Study(studyUid, null, studyDate ?? new DateOnly(2026, 2, 1), null, "CT", "CT CHEST", PatientCharacteristics.Unknown, device);
        await new DoseRecordRepository(Service<IDbConnectionFactory>()).SaveAsync(new ExtractionResult(ExtractionKind.DoseObject,
            new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", studyUid + ".9", null, "CT"), study, [ev], AccumulatedDose.None, [], []));
    }

    /// <summary>Stores a study without dose events (its date, accession and device are what the inbox shows).</summary>
    public Task SaveStudyAsync(Study study) =>
        new DoseRecordRepository(Service<IDbConnectionFactory>()).SaveAsync(new ExtractionResult(ExtractionKind.DoseObject,
            new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", study.StudyInstanceUid + ".9", null, study.Modality), study, [], AccumulatedDose.None, [], []));

    public async Task MapAsync(string rawName, string standard)
    {
        var protocols = Service<ProtocolRepository>();
        await protocols.SaveStandardProtocolAsync(new StandardProtocol(standard, "CT", new HashSet<string>()));
        await protocols.MapAsync(rawName, ProtocolNameSource.AcquisitionProtocol, "", standard, "test");
    }

    /// <summary>
    /// Maps <paramref name="rawName"/> to a standard protocol approved only on another device, so that one study of it
    /// raises exactly one protocol-deviation alert (unapproved-protocol) without any history: an alert to act on.
    /// </summary>
    public async Task MapUnapprovedAsync(string rawName, string standard)
    {
        var protocols = Service<ProtocolRepository>();
        await protocols.SaveStandardProtocolAsync(new StandardProtocol(standard, "CT", new HashSet<string> { "some other device" }));
        await protocols.MapAsync(rawName, ProtocolNameSource.AcquisitionProtocol, "", standard, "test");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
        await Webhook.DisposeAsync();
    }
}

[CollectionDefinition(nameof(AlertsAppFixture))]
public sealed class AlertsAppCollection : ICollectionFixture<AlertsAppFixture>;
