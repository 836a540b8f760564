using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>A real SMTP server (the SmtpServer package) on a free loopback port; keeps every message it accepts.</summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    public int Port { get; }

    private LoopbackSmtpServer(SmtpServer.SmtpServer server, int port, Task running, CancellationTokenSource stop)
    {
        _stop = stop;
        _server = server;
        Port = port;
        _running = running;
    }

    public static async Task<LoopbackSmtpServer> StartAsync()
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new SmtpServer.Net.EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))).Build();
        var store = new Store();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        services.Add(listeners);
        var server = new SmtpServer.SmtpServer(options, services);
        var stop = new CancellationTokenSource();
        var running = server.StartAsync(stop.Token);
        var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var result = new LoopbackSmtpServer(server, port, running, stop);
        store.Owner = result;
        return result;
    }

    /// <summary>The first message received (now or within <paramref name="timeout"/>) that <paramref name="match"/> accepts.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(TimeSpan timeout, Func<MimeMessage, bool>? match = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.FirstOrDefault(match ?? (_ => true)) is { } m) return m;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No matching e-mail arrived within {timeout}.");
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        public LoopbackSmtpServer? Owner { get; set; }

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            Owner!.Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>
/// A real HTTP server (Kestrel) on a free loopback port: <c>POST /hook</c> keeps the JSON body and answers 204;
/// <c>POST /fail</c> counts the call and answers 500; <c>POST /flaky</c> records every call with its Idempotency-Key
/// header and answers 500 for the alert ids in <see cref="Refused"/>, 204 otherwise.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    private int _failures;

    public int Failures => _failures;

    public ConcurrentQueue<(string? IdempotencyKey, long AlertId, int Status)> FlakyCalls { get; } = new();

    public ConcurrentDictionary<long, bool> Refused { get; } = new();

    public Uri BaseAddress { get; }

    private WebhookReceiver(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            receiver!.Received.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(request.Body));
            return Results.NoContent();
        });
        app.MapPost("/flaky", async (HttpRequest request) =>
        {
            var id = (await JsonSerializer.DeserializeAsync<JsonElement>(request.Body)).GetProperty("id").GetInt64();
            var status = receiver!.Refused.ContainsKey(id) ? 500 : 204;
            receiver.FlakyCalls.Enqueue((request.Headers["Idempotency-Key"].FirstOrDefault(), id, status));
            return Results.StatusCode(status);
        });
        app.MapPost("/fail", () =>
        {
            Interlocked.Increment(ref receiver!._failures);
            return Results.StatusCode(500);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, new Uri(address));
        return receiver;
    }

    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Received.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Received.ToList();
    }

    /// <summary>Waits for a delivery that <paramref name="match"/> accepts: the receiver is shared by the tests of a
    /// collection, so "any delivery" may be another test's, arrived first.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var hook in Received.ToList())
                if (match(hook)) return hook;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no matching webhook delivery within {timeout}; {Received.Count} others arrived");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
