using System.Collections.Concurrent;
using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests.Network;
using DoseWatch.Web.Dicom;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DoseWatch.Web.Tests.Dicom;

/// <summary>Records every instance the SCP hands over, as the extraction work will receive them.</summary>
public sealed class RecordingSink : IInstanceReceivedSink
{
    public ConcurrentQueue<StoredInstance> Received { get; } = new();

    public ValueTask OnInstanceStoredAsync(StoredInstance instance, CancellationToken cancellationToken)
    {
        // The seam's promise: the file is complete on disk when this is called.
        if (!File.Exists(instance.Path)) throw new InvalidOperationException("sink called before the file was in the inbox");
        Received.Enqueue(instance);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A generic host with exactly the product registration (<c>AddDicomStoreScp</c>) on 127.0.0.1 and a free port, a
/// temporary data directory and a real SQLite database migrated with the product's scripts, so associations are journaled.
/// </summary>
public sealed class StoreScpHost : IAsyncDisposable
{
    private readonly IHost _host;

    private StoreScpHost(IHost host, TempDirectory data)
    {
        _host = host;
        Data = data;
    }

    public TempDirectory Data { get; }
    public RecordingSink Sink => (RecordingSink)_host.Services.GetRequiredService<IInstanceReceivedSink>();
    public DicomStoreScpService Service => _host.Services.GetRequiredService<DicomStoreScpService>();
    public int Port => Service.PlainEndpoint!.Port;
    public string Inbox => Path.Combine(Data.Path, "inbox");
    public string[] InboxFiles => Directory.GetFiles(Inbox, "*.dcm");
    public IDbConnectionFactory Database => _host.Services.GetRequiredService<IDbConnectionFactory>();

    public static async Task<StoreScpHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var data = new TempDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DoseWatch:DataDirectory"] = data.Path,
            ["Dicom:Port"] = "0",
            ["Dicom:BindAddress"] = "127.0.0.1",
            ["Dicom:ArtimTimeoutSeconds"] = "2",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        var database = await SelectedDatabase.NewMigratedAsync(data.Path);
        builder.Services.AddSingleton<IDbConnectionFactory>(database);
        builder.Services.AddSingleton<IInstanceReceivedSink, RecordingSink>();
        builder.Services.AddDicomStoreScp(builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            data.Dispose();
            throw;
        }
        return new StoreScpHost(host, data);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Data.Dispose();
    }
}
