using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Core.Audit;

/// <summary>
/// The hash chain of the audit log. Each row's hash is SHA-256 over this canonical encoding (UTF-8):
/// <code>
/// "dosewatch-audit-v1" then, for each of id, at, actor, action, target, detail, prev_hash in that order:
///   null  -> "~;"
///   value -> byte length of the UTF-8 value in decimal, ":", the value, ";"
/// id is decimal; at is UTC "yyyy-MM-ddTHH:mm:ss.ffffffZ" (microseconds: what PostgreSQL keeps).
/// </code>
/// Length prefixes make the encoding unambiguous (no separator inside a value can shift a field boundary), so two
/// different rows never share an encoding. The first row's prev_hash is <see cref="Genesis"/>. Ids run 1, 2, 3...
/// without gaps, which makes a deleted row visible even where the hashes around it were recomputed.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    private const string Version = "dosewatch-audit-v1";

    /// <summary>Timestamps are kept to the microsecond, the precision both database engines store.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    public static string Hash(long id, DateTimeOffset at, string actor, string action, string? target, string? detail, string prevHash)
    {
        var text = new StringBuilder(Version);
        Append(text, id.ToString(CultureInfo.InvariantCulture));
        Append(text, Normalize(at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Append(text, actor);
        Append(text, action);
        Append(text, target);
        Append(text, detail);
        Append(text, prevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static string Hash(AuditEntry e) => Hash(e.Id, e.At, e.Actor, e.Action, e.Target, e.Detail, e.PrevHash);

    private static void Append(StringBuilder text, string? value)
    {
        if (value is null)
        {
            text.Append("~;");
            return;
        }
        text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
    }

    /// <summary>Verifies rows already in memory, in id order (see <see cref="AuditChainVerifier"/> for streaming).</summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entriesInIdOrder)
    {
        var verifier = new AuditChainVerifier();
        foreach (var e in entriesInIdOrder)
            if (!verifier.Accept(e)) break;
        return verifier.Result;
    }
}

/// <param name="FirstBrokenId">The first row that fails, or null when the whole chain holds.</param>
/// <param name="CheckedRows">Rows verified before the first failure (all of them when valid).</param>
/// <param name="HeadHash">The last row's hash when valid: note it elsewhere to detect removal of rows at the end.</param>
public sealed record AuditVerification(bool IsValid, long? FirstBrokenId, long CheckedRows, string? HeadHash, string? Problem)
{
    public static AuditVerification Valid(long rows, string head) => new(true, null, rows, head, null);

    public static AuditVerification Broken(long id, long rows, string problem) => new(false, id, rows, null, problem);
}

/// <summary>
/// Walks the rows in id order and stops at the first that breaks the chain: an edited row (content no longer matches its
/// hash), a row after a changed or removed one (prev_hash mismatch), or a gap in the ids. Holds only the previous row,
/// so a log of any length is checked in constant memory.
/// </summary>
public sealed class AuditChainVerifier
{
    private string _expectedPrev = AuditChain.Genesis;
    private long _expectedId = 1;
    private long _count;
    private AuditVerification? _broken;

    /// <summary>False once the chain is broken (later rows are not examined).</summary>
    public bool Accept(AuditEntry e)
    {
        if (_broken is not null) return false;
        _broken = Check(e);
        if (_broken is not null) return false;
        _expectedPrev = e.Hash;
        _expectedId++;
        _count++;
        return true;
    }

    public AuditVerification Result => _broken ?? AuditVerification.Valid(_count, _expectedPrev);

    private AuditVerification? Check(AuditEntry e)
    {
        if (e.Id != _expectedId)
            return AuditVerification.Broken(e.Id, _count, e.Id > _expectedId
                ? $"row {e.Id} follows row {_expectedId - 1}: row(s) {_expectedId}..{e.Id - 1} are missing"
                : $"row {e.Id} is out of order after row {_expectedId - 1}");
        if (!string.Equals(e.PrevHash, _expectedPrev, StringComparison.Ordinal))
            return AuditVerification.Broken(e.Id, _count, $"row {e.Id} does not link to the previous row's hash (a row before it was changed or removed)");
        if (!string.Equals(AuditChain.Hash(e), e.Hash, StringComparison.Ordinal))
            return AuditVerification.Broken(e.Id, _count, $"row {e.Id}'s content does not match its hash (the row was edited)");
        return null;
    }
}
