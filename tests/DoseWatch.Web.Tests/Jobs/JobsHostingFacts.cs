using System.Collections.Concurrent;
using DoseWatch.Core.Abstractions;
using DoseWatch.Web.Hosting;
using Hangfire.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// Several apps in one process, as this test assembly runs them (a collection's shared app and the apps its tests start
/// and stop). Hangfire keeps its log provider in a static; it used to follow the app that configured Hangfire last, so
/// once that app stopped, the apps still running could not create jobs, and on PostgreSQL their workers dropped every
/// job they fetched. Each fact starts the app under test first, then starts and stops a second one.
/// </summary>
public sealed class JobsHostingFacts
{
    private const string AeTitle = "JOBS_HOSTING";

    [Fact]
    public async Task An_app_keeps_extracting_after_another_app_of_the_process_stopped()
    {
        var extraction = new ScriptedDoseExtraction();
        await using var running = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = AeTitle,
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        }, services => services.AddSingleton<IDoseExtraction>(extraction));
        await (await DoseWatchApp.StartAsync()).DisposeAsync();

        var uid = InboxFacts.NewUid();
        extraction.Script(uid, () => ExtractionOutcome.Extracted("1 event"));
        await InboxSeam.StoreAsync(running, AeTitle, uid);
        var extracted = await InboxSeam.WaitForStatusAsync(running, uid, "extracted");

        Assert.Equal("1 event", extracted.StatusReason);
        Assert.Single(extraction.Calls(uid));
    }

    [Fact]
    public async Task Hangfire_loggers_made_after_another_app_stopped_do_not_throw()
    {
        await using var running = await DoseWatchApp.StartAsync();
        await (await DoseWatchApp.StartAsync()).DisposeAsync();

        // What Hangfire does for each AutomaticRetryAttribute it reads and each job Hangfire.PostgreSql fetches. Which
        // running app receives it depends on the apps other test classes start meanwhile (the facts below use a routing
        // of their own for that); here it must reach a running one, not throw ObjectDisposedException.
        // True: a running host took it (this fact's own app at least is running).
        Assert.True(LogProvider.GetLogger("DoseWatch.Web.Tests.Probe").Log(Hangfire.Logging.LogLevel.Warn, () => $"probe {Guid.NewGuid():N}"));
    }

    [Fact]
    public void Hangfire_logs_go_to_the_newest_running_host_and_back_to_the_older_one_when_it_stops()
    {
        var routing = new HangfireLogRouting();
        var older = new CapturingLoggerProvider();
        var newer = new CapturingLoggerProvider();
        using var olderFactory = LoggerFactory.Create(b => b.AddProvider(older).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace));
        var newerFactory = LoggerFactory.Create(b => b.AddProvider(newer).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace));
        using var olderHost = routing.Attach(olderFactory);
        var newerHost = routing.Attach(newerFactory);
        var log = routing.GetLogger("Probe"); // made while both run, as Hangfire's static loggers are

        Assert.True(log.Log(Hangfire.Logging.LogLevel.Warn, () => "while both run"));
        Assert.Contains(("Probe", Microsoft.Extensions.Logging.LogLevel.Warning, "while both run"), newer.Entries);
        Assert.Empty(older.Entries);

        // The newer host's factory is disposed before its attachment (the container's order is not ours): no throw.
        newerFactory.Dispose();
        log.Log(Hangfire.Logging.LogLevel.Error, () => "between");
        newerHost.Dispose();
        Assert.True(log.Log(Hangfire.Logging.LogLevel.Error, () => "after the newer stopped"));
        Assert.Contains(("Probe", Microsoft.Extensions.Logging.LogLevel.Error, "after the newer stopped"), older.Entries);

        olderHost.Dispose();
        Assert.False(log.Log(Hangfire.Logging.LogLevel.Error, () => "no host")); // nowhere to go, and no throw
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

        public void Dispose() { }

        private sealed class Capturing(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
