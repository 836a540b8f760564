using System.Globalization;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// An app of its own for the dose tests (real extractor, its own database), so that the studies they store never
/// meet the shared app's tests, which expect an empty overview.
/// </summary>
public sealed class DoseApp : IAsyncLifetime
{
    public string AeTitle { get; } = $"DW{Random.Shared.Next(100000, 999999)}";

    public int DicomPort { get; } = DoseWatchApp.FreeTcpPort();

    public DoseWatchApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = AeTitle,
        ["Dicom:Port"] = DicomPort.ToString(CultureInfo.InvariantCulture),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(nameof(DoseApp))]
public sealed class DoseAppCollection : ICollectionFixture<DoseApp>;
