using System.Collections.Immutable;
using HangfireLevel = Hangfire.Logging.LogLevel;
using ILog = Hangfire.Logging.ILog;
using ILogProvider = Hangfire.Logging.ILogProvider;

namespace DoseWatch.Web.Hosting;

/// <summary>
/// Hangfire's log provider is one static of the process (<c>LogProvider.SetCurrentLogProvider</c>), and Hangfire asks it
/// for a logger whenever it builds some objects: every <c>AutomaticRetryAttribute</c> it reads off a job method, every
/// job Hangfire.PostgreSql fetches. <c>AddHangfire</c> points that static at the logger factory of the host that
/// configured Hangfire last. Once that host is disposed, those requests throw <see cref="ObjectDisposedException"/> in
/// every other host of the process: jobs can no longer be created, and on PostgreSQL a worker dies between fetching a
/// job and running it, which leaves the job invisible in the queue for the invisibility timeout (30 min).
/// This provider sends Hangfire's logs to the newest host that is still running instead, so hosts can start and stop in
/// one process (the test apps, in-process nodes). With one host it logs exactly where Hangfire's own provider would.
/// </summary>
public sealed class HangfireLogRouting : ILogProvider
{
    /// <summary>The one provider of the process, as Hangfire's static asks.</summary>
    public static HangfireLogRouting Process { get; } = new();

    private readonly Lock _gate = new();
    private ImmutableList<ILoggerFactory> _hosts = []; // running hosts' factories, newest last

    /// <summary>A routing of its own, apart from the process's (<see cref="Process"/>, the one Hangfire is given): for tests.</summary>
    public HangfireLogRouting() { }

    private ILoggerFactory? Newest => Volatile.Read(ref _hosts) is { IsEmpty: false } hosts ? hosts[^1] : null;

    /// <summary>Routes Hangfire's logs to <paramref name="loggerFactory"/> until the returned handle is disposed.</summary>
    public Attachment Attach(ILoggerFactory loggerFactory)
    {
        lock (_gate) _hosts = _hosts.Add(loggerFactory);
        return new Attachment(this, loggerFactory);
    }

    public ILog GetLogger(string name) => new RoutedLog(this, name);

    /// <summary>One host's place in the routing; a singleton of that host, so its container's disposal ends it.</summary>
    public sealed class Attachment(HangfireLogRouting routing, ILoggerFactory loggerFactory) : IDisposable
    {
        public void Dispose()
        {
            lock (routing._gate) routing._hosts = routing._hosts.Remove(loggerFactory);
        }
    }

    /// <summary>A Hangfire logger that follows the newest running host (Hangfire keeps some of its loggers in statics).</summary>
    private sealed class RoutedLog(HangfireLogRouting routing, string name) : ILog
    {
        private sealed record Bound(ILoggerFactory Factory, ILogger Logger);

        private Bound? _bound;

        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            if (routing.Newest is not { } factory) return false;
            try
            {
                var bound = Volatile.Read(ref _bound);
                if (bound?.Factory != factory) Volatile.Write(ref _bound, bound = new Bound(factory, factory.CreateLogger(name)));
                var level = ToLogLevel(logLevel);
                if (messageFunc is null) return bound.Logger.IsEnabled(level);
                bound.Logger.Log(level, default, messageFunc(), exception, static (message, _) => message);
                return true;
            }
            catch (ObjectDisposedException)
            {
                // That host was disposed between the lookup and this call: the message has no live host to go to.
                return false;
            }
        }

        private static LogLevel ToLogLevel(HangfireLevel level) => level switch
        {
            HangfireLevel.Trace => LogLevel.Trace,
            HangfireLevel.Debug => LogLevel.Debug,
            HangfireLevel.Info => LogLevel.Information,
            HangfireLevel.Warn => LogLevel.Warning,
            HangfireLevel.Error => LogLevel.Error,
            HangfireLevel.Fatal => LogLevel.Critical,
            _ => LogLevel.None,
        };
    }
}
