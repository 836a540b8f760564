using System.Text.Json;
using DoseWatch.Core.Audit;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch audit verify [--head FILE]</c>: walks the audit log's keyed hash chain. Exit 0 and the row count and head
/// hash when it holds (and still contains the exported head FILE, when given); exit 1 and the first broken row's id when
/// a row was edited, inserted or deleted, or the chain was cut back before the exported head; 2 on usage errors.
/// <c>dosewatch audit head [--out FILE]</c>: verifies the chain and prints (or writes) its head signed with the audit key,
/// to be kept outside DoseWatch.
/// </summary>
internal static class AuditCommand
{
    public const string Usage = "audit verify [--head FILE] " + LocalDatabase.Usage + "   check the audit log's keyed hash chain (exit 1 and the first broken row on tampering)";
    public const string HeadUsage = "audit head [--out FILE] " + LocalDatabase.Usage + "   export the chain's head signed with the audit key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        LocalDatabase database;
        NetworkArguments a;
        SignedAuditHead? exportedHead = null;
        try
        {
            a = new NetworkArguments(args);
            if (a.Positional is not (["verify"] or ["head"])) throw new ArgumentException("expected: audit verify | audit head");
            database = LocalDatabase.From(a);
            if (a.Has("--head"))
                exportedHead = JsonSerializer.Deserialize<SignedAuditHead>(File.ReadAllText(a.Get("--head", "")), Json)
                    ?? throw new ArgumentException("--head FILE holds no exported head");
        }
        catch (Exception e) when (e is ArgumentException or IOException or JsonException)
        {
            error.WriteLine($"audit: {e.Message}\nusage: dosewatch {Usage}\n       dosewatch {HeadUsage}");
            return 2;
        }
        var connections = database.Open();
        try
        {
            var log = database.AuditLog(connections);
            if (a.Positional is ["head"])
            {
                var (head, verification) = await log.ExportHeadAsync();
                if (head is null)
                {
                    output.WriteLine(verification.IsValid ? "audit head: the audit log is empty" : $"audit head: BROKEN at row {verification.FirstBrokenId}: {verification.Problem}; no head exported");
                    return verification.IsValid ? 0 : 1;
                }
                var text = JsonSerializer.Serialize(head, Json);
                if (a.Has("--out")) await File.WriteAllTextAsync(a.Get("--out", ""), text + "\n");
                else output.WriteLine(text);
                return 0;
            }
            var result = await log.VerifyAsync(exportedHead);
            if (result.IsValid)
            {
                output.WriteLine($"audit verify: OK, {result.CheckedRows} rows, head {result.HeadHash}" +
                    (exportedHead is null ? "" : $"; contains the head exported {exportedHead.ExportedAt:u} (row {exportedHead.HeadId})"));
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
