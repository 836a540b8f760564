using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DoseWatch.Core.Privacy;

namespace DoseWatch.Core.Audit;

/// <summary>
/// The hash chain of the audit log. Each row's hash is computed over this canonical encoding (UTF-8):
/// <code>
/// version, then for each of id, at, actor, action, target, detail, prev_hash in that order:
///   null  -> "~;"
///   value -> byte length of the UTF-8 value in decimal, ":", the value, ";"
/// id is decimal; at is UTC "yyyy-MM-ddTHH:mm:ss.ffffffZ" (microseconds: what PostgreSQL keeps).
/// </code>
/// Keyed rows (issue #22): version <c>"dosewatch-audit-v2"</c>, hash = HMAC-SHA256(audit key, encoding) in lower-case
/// hex. The key lives outside the database (<c>audit.key</c> or configuration), so whoever can write the table cannot
/// recompute the hashes after an edit. Rows written before the chain was keyed: version <c>"dosewatch-audit-v1"</c>,
/// hash = SHA-256(encoding); they are accepted only at the start of the chain and only when a keyed row follows them,
/// the first of which is the <see cref="KeyedAction"/> anchor DoseWatch appends at the upgrade.
/// <para>Length prefixes make the encoding unambiguous, so two different rows never share an encoding. The first
/// row's prev_hash is <see cref="Genesis"/>. Ids run 1, 2, 3... without gaps, which makes a deleted row visible.</para>
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);
    public const string KeyFileName = "audit.key";

    /// <summary>The row that starts the keyed part of a chain whose earlier rows were hashed without a key.</summary>
    public const string KeyedAction = "audit.chain-keyed";

    private const string UnkeyedVersion = "dosewatch-audit-v1";
    private const string KeyedVersion = "dosewatch-audit-v2";
    private const string HeadVersion = "dosewatch-audit-head-v1";

    /// <summary>Timestamps are kept to the microsecond, the precision both database engines store.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    /// <summary>The unkeyed hash of rows written before issue #22 (anyone can compute it: verification alone).</summary>
    public static string Hash(long id, DateTimeOffset at, string actor, string action, string? target, string? detail, string prevHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Canonical(UnkeyedVersion, id, at, actor, action, target, detail, prevHash)));

    public static string Hash(AuditEntry e) => Hash(e.Id, e.At, e.Actor, e.Action, e.Target, e.Detail, e.PrevHash);

    /// <summary>The keyed hash every row written now carries.</summary>
    public static string KeyedHash(byte[] key, long id, DateTimeOffset at, string actor, string action, string? target, string? detail, string prevHash) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Canonical(KeyedVersion, id, at, actor, action, target, detail, prevHash)));

    public static string KeyedHash(byte[] key, AuditEntry e) => KeyedHash(key, e.Id, e.At, e.Actor, e.Action, e.Target, e.Detail, e.PrevHash);

    public static string KeyId(byte[] key) => Convert.ToHexStringLower(KeyFile.Fingerprint(key));

    private static byte[] Canonical(string version, long id, DateTimeOffset at, string actor, string action, string? target, string? detail, string prevHash) =>
        Encode(version, id.ToString(CultureInfo.InvariantCulture), Format(at), actor, action, target, detail, prevHash);

    private static string Format(DateTimeOffset at) => Normalize(at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Encode(string version, params string?[] values)
    {
        var text = new StringBuilder(version);
        foreach (var value in values)
        {
            if (value is null)
            {
                text.Append("~;");
                continue;
            }
            text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Verifies rows already in memory, in id order (see <see cref="AuditChainVerifier"/> for streaming).</summary>
    public static AuditVerification Verify(byte[] key, IEnumerable<AuditEntry> entriesInIdOrder)
    {
        var verifier = new AuditChainVerifier(key);
        foreach (var e in entriesInIdOrder)
            if (!verifier.Accept(e)) break;
        return verifier.Result;
    }

    /// <summary>The signature of an exported head: HMAC-SHA256(audit key, "dosewatch-audit-head-v1" and the fields, encoded as rows are).</summary>
    public static string HeadSignature(byte[] key, long rows, long headId, string headHash, DateTimeOffset exportedAt) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encode(HeadVersion, rows.ToString(CultureInfo.InvariantCulture),
            headId.ToString(CultureInfo.InvariantCulture), headHash, Format(exportedAt), KeyId(key))));
}

/// <param name="FirstBrokenId">The first row that fails, or null when the whole chain holds.</param>
/// <param name="CheckedRows">Rows verified before the first failure (all of them when valid).</param>
/// <param name="HeadHash">The last row's hash when valid: export it signed (<see cref="SignedAuditHead"/>) to detect
/// removal of rows at the end later.</param>
public sealed record AuditVerification(bool IsValid, long? FirstBrokenId, long CheckedRows, string? HeadHash, string? Problem)
{
    public static AuditVerification Valid(long rows, string head) => new(true, null, rows, head, null);

    public static AuditVerification Broken(long id, long rows, string problem) => new(false, id, rows, null, problem);
}

/// <summary>
/// A head of the chain as an administrator exports it: how many rows, the last row's id and hash, when, under which
/// key, signed with the audit key. Kept outside DoseWatch, it proves later that no row up to it was removed or rewritten
/// (a valid chain that no longer contains this head was cut back), and its signature that DoseWatch issued it.
/// </summary>
public sealed record SignedAuditHead(long Rows, long HeadId, string HeadHash, DateTimeOffset ExportedAt, string KeyId, string Signature)
{
    public static SignedAuditHead Sign(byte[] key, long rows, long headId, string headHash, DateTimeOffset exportedAt)
    {
        var at = AuditChain.Normalize(exportedAt);
        return new(rows, headId, headHash, at, AuditChain.KeyId(key), AuditChain.HeadSignature(key, rows, headId, headHash, at));
    }

    public bool IsSignedBy(byte[] key) =>
        KeyId == AuditChain.KeyId(key) &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature), Encoding.ASCII.GetBytes(AuditChain.HeadSignature(key, Rows, HeadId, HeadHash, ExportedAt)));
}

/// <summary>
/// Walks the rows in id order and stops at the first that breaks the chain: an edited row (content no longer matches its
/// keyed hash), a row after a changed or removed one (prev_hash mismatch), a gap in the ids, an unkeyed row after keyed
/// ones, or unkeyed rows with no keyed anchor after them. Holds only the previous row, so a log of any length is
/// checked in constant memory.
/// </summary>
public sealed class AuditChainVerifier(byte[] key)
{
    private string _expectedPrev = AuditChain.Genesis;
    private long _expectedId = 1;
    private long _count;
    private bool _keyed;
    private long _unkeyedRows;
    private AuditVerification? _broken;

    /// <summary>Hashes seen at given ids (filled for the ids asked for in <see cref="Remember"/>).</summary>
    private readonly Dictionary<long, string> _remembered = [];
    private readonly HashSet<long> _toRemember = [];

    /// <summary>Keeps the hash of row <paramref name="id"/> when it passes, for comparing with an exported head.</summary>
    public void Remember(long id) => _toRemember.Add(id);

    public string? RememberedHash(long id) => _remembered.GetValueOrDefault(id);

    /// <summary>False once the chain is broken (later rows are not examined).</summary>
    public bool Accept(AuditEntry e)
    {
        if (_broken is not null) return false;
        _broken = Check(e);
        if (_broken is not null) return false;
        if (_toRemember.Contains(e.Id)) _remembered[e.Id] = e.Hash;
        _expectedPrev = e.Hash;
        _expectedId++;
        _count++;
        return true;
    }

    public AuditVerification Result => _broken
        ?? (_count > 0 && !_keyed
            ? AuditVerification.Broken(_expectedId - 1, _count, $"no row is keyed: the {_unkeyedRows} row(s) carry unkeyed hashes only, which anyone can recompute (rows after them were removed, or DoseWatch has not started since the upgrade that keys the chain)")
            : AuditVerification.Valid(_count, _expectedPrev));

    private AuditVerification? Check(AuditEntry e)
    {
        if (e.Id != _expectedId)
            return AuditVerification.Broken(e.Id, _count, e.Id > _expectedId
                ? $"row {e.Id} follows row {_expectedId - 1}: row(s) {_expectedId}..{e.Id - 1} are missing"
                : $"row {e.Id} is out of order after row {_expectedId - 1}");
        if (!string.Equals(e.PrevHash, _expectedPrev, StringComparison.Ordinal))
            return AuditVerification.Broken(e.Id, _count, $"row {e.Id} does not link to the previous row's hash (a row before it was changed or removed)");
        if (string.Equals(AuditChain.KeyedHash(key, e), e.Hash, StringComparison.Ordinal))
        {
            if (!_keyed && _unkeyedRows > 0 && e.Action != AuditChain.KeyedAction)
                return AuditVerification.Broken(e.Id, _count, $"row {e.Id} is keyed but the unkeyed rows before it end without the {AuditChain.KeyedAction} entry");
            _keyed = true;
            return null;
        }
        if (!_keyed && string.Equals(AuditChain.Hash(e), e.Hash, StringComparison.Ordinal))
        {
            _unkeyedRows++;
            return null;
        }
        return AuditVerification.Broken(e.Id, _count, _keyed || _unkeyedRows == 0 && e.Id > 1
            ? $"row {e.Id}'s content does not match its keyed hash (the row was edited, or this is not the chain's audit key {AuditChain.KeyId(key)})"
            : $"row {e.Id}'s content does not match its hash (the row was edited, or this is not the chain's audit key {AuditChain.KeyId(key)})");
    }
}
