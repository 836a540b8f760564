using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Core.Privacy;

/// <summary>One AES-256 key of the <see cref="EncryptionKeyRing"/>.</summary>
/// <param name="Number">Its place in the ring: the highest number is the current key, used for everything written.</param>
/// <param name="Id">8 bytes written beside each ciphertext so a reader finds the key (the first bytes of
/// SHA-256("dosewatch-key-id-v1" || key): the same key has the same id wherever it is configured, and a renumbered
/// key still opens what it sealed).</param>
public sealed record EncryptionKey(int Number, byte[] Id, byte[] Material)
{
    public const int IdBytes = 8;

    public static EncryptionKey From(int number, byte[] material) => new(number, KeyFile.Fingerprint(material), material);

    public string IdHex => Convert.ToHexStringLower(Id);

    /// <summary>A purpose-bound subkey (HKDF-SHA256), so the same master key never serves two constructions directly.</summary>
    public byte[] Derive(string purpose, ReadOnlySpan<byte> salt = default) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Material, 32, salt.ToArray(), Encoding.ASCII.GetBytes(purpose));
}

/// <summary>
/// The keys that encrypt patient data at rest (stored DICOM objects, identity columns). The current key (highest
/// number) seals everything new; older keys stay in the ring to open what they sealed, so a rotation does not rewrite
/// history at once (<c>dosewatch keys reencrypt</c> moves old files and rows to the current key when convenient).
/// <para>Keys come from configuration (<c>DoseWatch:Privacy:EncryptionKeys:&lt;number&gt;</c> = base64) when any is set,
/// else from the files <c>encryption-&lt;number&gt;.key</c> in the key directory (<see cref="KeyFile"/>, mode 0600);
/// when there is none, <c>encryption-0001.key</c> is generated. <c>dosewatch keys rotate</c> adds the next file.</para>
/// </summary>
public sealed class EncryptionKeyRing
{
    public const string FilePrefix = "encryption-";
    public const string FileSuffix = ".key";

    private readonly Dictionary<string, EncryptionKey> _byId;

    public EncryptionKeyRing(IEnumerable<EncryptionKey> keys)
    {
        Keys = keys.OrderBy(k => k.Number).ToList();
        if (Keys.Count == 0) throw new InvalidOperationException("The encryption key ring is empty.");
        if (Keys.Select(k => k.Number).Distinct().Count() != Keys.Count) throw new InvalidOperationException("Two encryption keys have the same number.");
        _byId = [];
        foreach (var k in Keys) _byId.TryAdd(k.IdHex, k);
        Current = Keys[^1];
    }

    public IReadOnlyList<EncryptionKey> Keys { get; }

    public EncryptionKey Current { get; }

    public EncryptionKey? Find(ReadOnlySpan<byte> id) => _byId.GetValueOrDefault(Convert.ToHexStringLower(id));

    /// <param name="configured">number → base64 key, from <c>DoseWatch:Privacy:EncryptionKeys</c>; empty to use key files.</param>
    public static EncryptionKeyRing Resolve(IReadOnlyDictionary<string, string>? configured, string keyDirectory)
    {
        if (configured is { Count: > 0 })
            return new(configured.Select(c => EncryptionKey.From(ParseNumber(c.Key, "DoseWatch:Privacy:EncryptionKeys"),
                KeyFile.Parse(c.Value, $"DoseWatch:Privacy:EncryptionKeys:{c.Key}"))));
        var files = KeyFiles(keyDirectory);
        if (files.Count == 0) return new([EncryptionKey.From(1, KeyFile.LoadOrCreate(PathOf(keyDirectory, 1)))]);
        return new(files.Select(f => EncryptionKey.From(f.Number, KeyFile.LoadOrCreate(f.Path))));
    }

    /// <summary>Rotation: generates the key after the highest one in the directory, which becomes the current key for
    /// every process started (or restarted) after it. Older keys stay for reading.</summary>
    public static EncryptionKey AddNext(string keyDirectory)
    {
        var next = KeyFiles(keyDirectory).Select(f => f.Number).DefaultIfEmpty(0).Max() + 1;
        return EncryptionKey.From(next, KeyFile.LoadOrCreate(PathOf(keyDirectory, next)));
    }

    public static string PathOf(string keyDirectory, int number) =>
        Path.Combine(keyDirectory, FilePrefix + number.ToString("D4", CultureInfo.InvariantCulture) + FileSuffix);

    private static List<(int Number, string Path)> KeyFiles(string keyDirectory)
    {
        if (!Directory.Exists(keyDirectory)) return [];
        var found = new List<(int, string)>();
        foreach (var path in Directory.EnumerateFiles(keyDirectory, FilePrefix + "*" + FileSuffix))
        {
            var name = Path.GetFileName(path);
            var digits = name[FilePrefix.Length..^FileSuffix.Length];
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) found.Add((n, path));
        }
        return found;
    }

    private static int ParseNumber(string text, string source) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new InvalidOperationException($"{source}:{text}: a key's name must be its number (1, 2, ...); the highest is the current key.");
}
