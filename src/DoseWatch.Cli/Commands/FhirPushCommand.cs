using System.Globalization;
using DoseWatch.Data.Repositories;
using DoseWatch.Fhir;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch fhir-push --since DATE [--until DATE] [--target URL]</c>: the FHIR push's back-fill. Requests a push of
/// every stored study with a radiation dose summary whose study date is in the range, to the FHIR server the app is
/// configured with (<c>DoseWatch__FhirPush__BaseUrl</c>, or <c>--target</c>). The running DoseWatch sends them (its
/// catch-up job runs every minute) with the same conditional updates, retries and delivery records as new studies: a
/// study already on the server is updated, not duplicated. Exit 0 with the number of studies requested, 2 on usage errors.
/// </summary>
internal static class FhirPushCommand
{
    public const string Usage = "fhir-push --since YYYY-MM-DD [--until YYYY-MM-DD] [--target URL] " + LocalDatabase.Usage +
        "   queue the dose summaries of past studies for the configured FHIR server";

    private const int PageSize = 500;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        LocalDatabase database;
        DateOnly since;
        DateOnly? until = null;
        string target;
        try
        {
            var a = new NetworkArguments(args);
            if (a.Positional.Count > 0) throw new ArgumentException($"unexpected argument '{a.Positional[0]}'");
            since = a.Date("--since") ?? throw new ArgumentException("--since DATE is required (the first study date to push)");
            until = a.Date("--until");
            if (until < since) throw new ArgumentException("--until is before --since");
            var url = a.Get("--target", Environment.GetEnvironmentVariable("DoseWatch__FhirPush__BaseUrl") ?? "");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ArgumentException(url.Length == 0
                    ? "no FHIR server: give --target URL or set DoseWatch__FhirPush__BaseUrl as for the app"
                    : $"--target '{url}' is not an absolute http(s) URL");
            target = FhirDeliveryRepository.Target(url);
            database = LocalDatabase.From(a);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"fhir-push: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }

        var connections = database.Open();
        try
        {
            var studies = new DoseRecordRepository(connections);
            var deliveries = new FhirDeliveryRepository(connections, TimeProvider.System);
            var query = new StudyQuery(From: since, To: until, PageSize: PageSize) { AnyModality = RadiationDoseSummaryMapping.IonisingModalities };
            var uids = new List<string>();
            // Collected first, then requested: requesting does not change the listing, but a page read while rows are written could shift.
            for (var page = 1; ; page++)
            {
                var found = await studies.ListStudiesAsync(query with { Page = page });
                uids.AddRange(found.Items.Select(s => s.Study.StudyInstanceUid));
                if (found.Items.Count < PageSize) break;
            }
            var now = DateTimeOffset.UtcNow;
            foreach (var uid in uids.Distinct(StringComparer.Ordinal)) await deliveries.RequestAsync(uid, target, now);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fhir-push: {uids.Count} stud{(uids.Count == 1 ? "y" : "ies")} from {since:yyyy-MM-dd}{(until is { } u ? $" to {u:yyyy-MM-dd}" : "")} queued for {target}; the running DoseWatch sends them (within a minute, if its DoseWatch:FhirPush names this server) and shows each on /admin/fhir-deliveries"));
            return 0;
        }
        finally
        {
            if (connections is IAsyncDisposable d) await d.DisposeAsync();
        }
    }

}
