using System.Security.Cryptography;
using System.Text;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Privacy;

/// <summary>
/// Stored objects encrypted at rest: the documented format is checked by an independent decryptor (Python's
/// cryptography: HKDF-SHA256 and AES-GCM), a real sample's patient name and ID (read by pydicom) are absent from the
/// encrypted bytes, changed or cut files fail loudly, plaintext files stay readable, and keys rotate.
/// </summary>
public sealed class StoredObjectCipherFacts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-cipher-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);

    private static EncryptionKeyRing Ring(params (int Number, byte[] Key)[] keys) => new(keys.Select(k => EncryptionKey.From(k.Number, k.Key)));

    private static void SealTo(StoredObjectCipher cipher, string path, byte[] content, int writeSize)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var sealing = cipher.Seal(file))
            for (var i = 0; i < content.Length; i += writeSize)
                sealing.Write(content, i, Math.Min(writeSize, content.Length - i));
    }

    private static byte[] ReadAll(StoredObjectCipher cipher, string path)
    {
        using var stream = cipher.OpenRead(path);
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 7919); // an odd buffer size, so reads straddle chunk boundaries
        return copy.ToArray();
    }

    // The format as docs/privacy.md states it, implemented again with Python's cryptography package.
    private const string PythonOpen = """
        import sys, json
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        from cryptography.hazmat.primitives import hashes
        req = json.load(sys.stdin)
        key = bytes.fromhex(req['key']); data = open(req['path'], 'rb').read()
        assert data[:8] == bytes([0x89, 0x44, 0x57, 0x45, 0x0D, 0x0A, 0x1A, 0x0A])
        header = data[:36]; salt = data[16:32]; chunk = int.from_bytes(data[32:36], 'big')
        file_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b'dosewatch-stored-object-v1').derive(key)
        aes = AESGCM(file_key); out = b''; pos = 36; counter = 0
        while True:
            last = len(data) - pos <= chunk + 16
            end = len(data) if last else pos + chunk + 16
            nonce = bytes(3) + counter.to_bytes(8, 'big') + (b'\x01' if last else b'\x00')
            out += aes.decrypt(nonce, data[pos:end], header)
            pos = end; counter += 1
            if last: break
        print(json.dumps({'sha256': __import__('hashlib').sha256(out).hexdigest(), 'length': len(out)}))
        """;

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 1)]
    [InlineData(StoredObjectCipher.ChunkBytes - 1, 4096)]
    [InlineData(StoredObjectCipher.ChunkBytes, 16384)]
    [InlineData(StoredObjectCipher.ChunkBytes + 1, 16384)]
    [InlineData(3 * StoredObjectCipher.ChunkBytes, 100_000)]
    [InlineData(3 * StoredObjectCipher.ChunkBytes + 12345, 333)]
    public void Sealed_bytes_open_to_the_original_here_and_in_an_independent_decryptor(int length, int writeSize)
    {
        var content = RandomNumberGenerator.GetBytes(length);
        var key = RandomNumberGenerator.GetBytes(32);
        var cipher = new StoredObjectCipher(Ring((1, key)));
        var path = PathOf("object.dcm");
        SealTo(cipher, path, content, writeSize);

        Assert.Equal(content, ReadAll(cipher, path));
        var python = IndependentPython.Run(new { key = Convert.ToHexString(key), path }, "-c", PythonOpen);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), (string)python["sha256"]!);
        Assert.Equal(length, (int)python["length"]!);
        // Header, then full chunks with a tag each; the last chunk (full, partial, or empty for an empty object) has one too.
        var chunks = Math.Max(1, (length + StoredObjectCipher.ChunkBytes - 1) / StoredObjectCipher.ChunkBytes);
        Assert.Equal(StoredObjectCipher.HeaderBytes + length + chunks * StoredObjectCipher.TagBytes, new FileInfo(path).Length);
    }

    [SamplesFact]
    public void A_real_object_is_stored_without_its_patient_name_or_id_and_parses_the_same()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var identity = IndependentPython.Run(new { path = sample }, "-c", """
            import sys, json, pydicom
            ds = pydicom.dcmread(json.load(sys.stdin)['path'])
            print(json.dumps({'name': str(ds.PatientName), 'id': str(ds.PatientID)}))
            """);
        var name = (string)identity["name"]!;
        var id = (string)identity["id"]!;
        Assert.True(name.Length >= 3 && id.Length >= 3, $"the sample must carry a name and an ID to look for (name '{name}', ID '{id}')");
        var original = File.ReadAllBytes(sample);
        Assert.True(Contains(original, Encoding.ASCII.GetBytes(id)), "the plaintext sample carries the ID as pydicom read it");

        var cipher = new StoredObjectCipher(Ring((1, RandomNumberGenerator.GetBytes(32))));
        var path = PathOf("rdsr.dcm");
        SealTo(cipher, path, original, 16_372);

        var stored = File.ReadAllBytes(path);
        Assert.False(Contains(stored, Encoding.ASCII.GetBytes(id)));
        foreach (var part in name.Split('^', StringSplitOptions.RemoveEmptyEntries).Where(p => p.Length >= 3))
            Assert.False(Contains(stored, Encoding.ASCII.GetBytes(part)));
        Assert.False(Contains(stored, "DICM"u8.ToArray()));
        var read = cipher.ReadDicom(path);
        Assert.Equal(id, read.DataSet.GetString(DicomTag.PatientId));
        Assert.Equal(DicomReader.ReadFile(sample).DataSet.GetString(DicomTag.StudyInstanceUid), read.DataSet.GetString(DicomTag.StudyInstanceUid));
    }

    [Fact]
    public void A_changed_reordered_or_cut_file_is_refused_never_read_as_other_bytes()
    {
        var content = RandomNumberGenerator.GetBytes(2 * StoredObjectCipher.ChunkBytes + 500);
        var cipher = new StoredObjectCipher(Ring((1, RandomNumberGenerator.GetBytes(32))));
        var path = PathOf("object.dcm");
        SealTo(cipher, path, content, 65_000);
        var sealedBytes = File.ReadAllBytes(path);
        var chunk = StoredObjectCipher.ChunkBytes + StoredObjectCipher.TagBytes;

        var variants = new Dictionary<string, byte[]>
        {
            ["salt byte flipped"] = Flip(sealedBytes, 20),
            ["chunk size changed"] = Flip(sealedBytes, 35),
            ["first chunk byte flipped"] = Flip(sealedBytes, StoredObjectCipher.HeaderBytes + 10),
            ["tag byte flipped"] = Flip(sealedBytes, StoredObjectCipher.HeaderBytes + chunk - 1),
            ["last byte flipped"] = Flip(sealedBytes, sealedBytes.Length - 1),
            ["cut at a chunk boundary"] = sealedBytes[..(StoredObjectCipher.HeaderBytes + 2 * chunk)],
            ["cut inside a chunk"] = sealedBytes[..(StoredObjectCipher.HeaderBytes + chunk + 100)],
            ["cut in the header"] = sealedBytes[..20],
            ["chunks swapped"] = [.. sealedBytes[..StoredObjectCipher.HeaderBytes], .. sealedBytes.AsSpan(StoredObjectCipher.HeaderBytes + chunk, chunk).ToArray(),
                .. sealedBytes.AsSpan(StoredObjectCipher.HeaderBytes, chunk).ToArray(), .. sealedBytes[(StoredObjectCipher.HeaderBytes + 2 * chunk)..]],
            ["a chunk appended"] = [.. sealedBytes, .. sealedBytes.AsSpan(StoredObjectCipher.HeaderBytes, chunk).ToArray()],
        };
        foreach (var (what, bytes) in variants)
        {
            File.WriteAllBytes(path, bytes);
            var e = Record.Exception(() => ReadAll(cipher, path));
            Assert.True(e is StoredObjectUnreadableException, $"{what}: {e?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void Plaintext_files_from_before_encryption_read_as_they_are()
    {
        var path = PathOf("old.dcm");
        var content = Encoding.ASCII.GetBytes(new string('\0', 128) + "DICM plaintext from an older DoseWatch");
        File.WriteAllBytes(path, content);
        var cipher = new StoredObjectCipher(Ring((1, RandomNumberGenerator.GetBytes(32))));
        Assert.Equal(content, ReadAll(cipher, path));
        Assert.Null(StoredObjectCipher.SealingKeyId(path));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal([1, 2, 3], ReadAll(cipher, path));
    }

    [Fact]
    public void Rotation_keeps_old_files_readable_and_reseal_moves_them_to_the_current_key()
    {
        var (k1, k2) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var content = RandomNumberGenerator.GetBytes(100_000);
        var sealedWith1 = PathOf("one.dcm");
        var plaintext = PathOf("plain.dcm");
        SealTo(new StoredObjectCipher(Ring((1, k1))), sealedWith1, content, 5000);
        File.WriteAllBytes(plaintext, content);

        var rotated = new StoredObjectCipher(Ring((1, k1), (2, k2)));
        Assert.Equal(2, rotated.Keys.Current.Number);
        Assert.Equal(content, ReadAll(rotated, sealedWith1));
        Assert.Equal(EncryptionKey.From(1, k1).IdHex, StoredObjectCipher.SealingKeyId(sealedWith1));

        Assert.True(rotated.Reseal(sealedWith1));
        Assert.True(rotated.Reseal(plaintext));
        Assert.False(rotated.Reseal(sealedWith1)); // already current
        Assert.Equal(EncryptionKey.From(2, k2).IdHex, StoredObjectCipher.SealingKeyId(sealedWith1));
        Assert.Equal(EncryptionKey.From(2, k2).IdHex, StoredObjectCipher.SealingKeyId(plaintext));
        Assert.Empty(Directory.GetFiles(_directory.FullName, "*.reseal"));

        var onlyKey2 = new StoredObjectCipher(Ring((2, k2)));
        Assert.Equal(content, ReadAll(onlyKey2, sealedWith1));
        Assert.Equal(content, ReadAll(onlyKey2, plaintext));
        var withoutKey = new StoredObjectCipher(Ring((1, k1)));
        var e = Assert.Throws<StoredObjectUnreadableException>(() => ReadAll(withoutKey, sealedWith1));
        Assert.Contains(EncryptionKey.From(2, k2).IdHex, e.Message);
    }

    [Fact]
    public void The_key_ring_is_generated_owner_only_and_rotates_by_adding_files()
    {
        var keys = _directory.CreateSubdirectory("keys").FullName;
        var first = EncryptionKeyRing.Resolve(null, keys);
        Assert.Equal(1, first.Current.Number);
        var file = EncryptionKeyRing.PathOf(keys, 1);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(first.Current.Material, EncryptionKeyRing.Resolve(null, keys).Current.Material);

        var second = EncryptionKeyRing.AddNext(keys);
        var ring = EncryptionKeyRing.Resolve(null, keys);
        Assert.Equal([1, 2], ring.Keys.Select(k => k.Number));
        Assert.Equal(second.Material, ring.Current.Material);
        Assert.NotNull(ring.Find(first.Current.Id));

        var configured = RandomNumberGenerator.GetBytes(32);
        var fromConfiguration = EncryptionKeyRing.Resolve(new Dictionary<string, string> { ["7"] = Convert.ToBase64String(configured) }, keys);
        Assert.Equal(7, fromConfiguration.Current.Number);
        Assert.Equal(configured, fromConfiguration.Current.Material);
        Assert.Contains("number", Assert.Throws<InvalidOperationException>(() =>
            EncryptionKeyRing.Resolve(new Dictionary<string, string> { ["current"] = Convert.ToBase64String(configured) }, keys)).Message);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x40;
        return copy;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
