using DoseWatch.Data;
using DoseWatch.Data.Audit;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch audit verify</c>: walks the audit log's hash chain. Exit 0 and the row count and head hash when it holds;
/// exit 1 and the first broken row's id when a row was edited, inserted or deleted; 2 on usage errors.
/// </summary>
internal static class AuditCommand
{
    public const string Usage = "audit verify " + LocalDatabase.Usage + "   check the audit log's hash chain (exit 1 and the first broken row on tampering)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        LocalDatabase database;
        try
        {
            var a = new NetworkArguments(args);
            if (a.Positional is not ["verify"]) throw new ArgumentException("expected: audit verify");
            database = LocalDatabase.From(a);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"audit: {e.Message}\nusage: dosewatch {Usage}");
            return 2;
        }
        var connections = database.Open();
        try
        {
            var result = await new AuditLog(connections).VerifyAsync();
            if (result.IsValid)
            {
                output.WriteLine($"audit verify: OK, {result.CheckedRows} rows, head {result.HeadHash}");
                return 0;
            }
            output.WriteLine($"audit verify: BROKEN at row {result.FirstBrokenId}: {result.Problem} ({result.CheckedRows} rows before it verified)");
            return 1;
        }
        finally
        {
            if (connections is IAsyncDisposable d) await d.DisposeAsync();
        }
    }
}
