using System.Buffers.Binary;
using System.Security.Cryptography;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Privacy;

/// <summary>A stored object that cannot be opened: its key is not in the ring, or its bytes were changed or cut short.</summary>
public sealed class StoredObjectUnreadableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Stored DICOM objects (inbox, quarantine) encrypted at rest with AES-256-GCM, written and read as streams so the
/// receive path never holds a whole object in memory. Every reader of a stored file goes through <see cref="OpenRead"/>
/// / <see cref="ReadDicom"/>, which also reads the plaintext files written before encryption existed.
/// <para>Format (all integers big-endian):</para>
/// <code>
/// header  magic 89 'D' 'W' 'E' 0D 0A 1A 0A (8) | key id (8, EncryptionKey.Id) | salt (16, random) | chunk size (4)
/// chunks  ciphertext (chunk size bytes; the last chunk 0..chunk size) | GCM tag (16), repeated
/// key     HKDF-SHA256(ring key, salt, "dosewatch-stored-object-v1"): one key per file, so nonces never repeat under a key
/// nonce   00 00 00 | chunk counter (8) | 01 for the last chunk, else 00
/// AAD     the 36 header bytes
/// </code>
/// The counter and the last-chunk flag in the nonce make reordered, dropped, or cut-off chunks fail authentication
/// (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, 2015). The magic cannot begin a plaintext
/// object (a Part 10 preamble is 128 bytes then "DICM", and its PNG-like 89/0D0A/1A0A bytes are not a plausible
/// preamble), so plaintext and encrypted files are told apart by their first 8 bytes.
/// </summary>
public sealed class StoredObjectCipher(EncryptionKeyRing keys)
{
    public const int ChunkBytes = 64 * 1024;
    public const int TagBytes = 16;
    public const int SaltBytes = 16;
    public const int HeaderBytes = 8 + EncryptionKey.IdBytes + SaltBytes + 4;
    private const string Purpose = "dosewatch-stored-object-v1";
    private static readonly byte[] Magic = [0x89, (byte)'D', (byte)'W', (byte)'E', 0x0D, 0x0A, 0x1A, 0x0A];

    public EncryptionKeyRing Keys => keys;

    /// <summary>A write-only stream that encrypts into <paramref name="destination"/> with the current key. Disposing it
    /// writes the last chunk and leaves <paramref name="destination"/> open (the caller fsyncs and closes it).</summary>
    public Stream Seal(Stream destination) => new SealingStream(destination, keys.Current);

    /// <summary>The plaintext of a stored file, encrypted or not (files stored before encryption stay readable).</summary>
    public Stream OpenRead(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        try
        {
            var head = new byte[HeaderBytes];
            var got = file.ReadAtLeast(head, HeaderBytes, throwOnEndOfStream: false);
            if (got >= Magic.Length && head.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                return new OpeningStream(file, head.AsSpan(0, got), keys, path);
            file.Position = 0;
            return new BufferedStream(file, 64 * 1024);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The one way to parse a stored object: <see cref="OpenRead"/> then the DICOM reader.</summary>
    public DicomFile ReadDicom(string path, DicomReadOptions? options = null)
    {
        using var stream = OpenRead(path);
        return DicomReader.Read(stream, options);
    }

    /// <summary>The key that sealed the file: null for a plaintext file, else its id (hex).</summary>
    public static string? SealingKeyId(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        Span<byte> head = stackalloc byte[Magic.Length + EncryptionKey.IdBytes];
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head[..Magic.Length].SequenceEqual(Magic)) return null;
        return Convert.ToHexStringLower(head[Magic.Length..]);
    }

    /// <summary>
    /// Rewrites a stored file (plaintext, or sealed with an older key) under the current key: the new bytes go to a
    /// temporary file beside it, are fsynced, and replace the old file by rename, so a crash leaves one or the other.
    /// False when the file already is under the current key.
    /// </summary>
    public bool Reseal(string path)
    {
        if (SealingKeyId(path) == keys.Current.IdHex) return false;
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".reseal";
        try
        {
            using (var source = OpenRead(path))
            using (var target = new FileStream(temp, KeyFile.OwnerOnly(FileMode.CreateNew, bufferSize: 0)))
            {
                using (var sealing = Seal(target)) source.CopyTo(sealing, ChunkBytes);
                target.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Nonce(Span<byte> nonce, long counter, bool last)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[3..], counter);
        nonce[11] = last ? (byte)1 : (byte)0;
    }

    private sealed class SealingStream : Stream
    {
        private readonly Stream _destination;
        private readonly AesGcm _aes;
        private readonly byte[] _header = new byte[HeaderBytes];
        private readonly byte[] _plain = new byte[ChunkBytes];
        private readonly byte[] _sealed = new byte[ChunkBytes + TagBytes];
        private int _filled;
        private long _counter;
        private bool _closed;

        public SealingStream(Stream destination, EncryptionKey key)
        {
            _destination = destination;
            Magic.CopyTo(_header, 0);
            key.Id.CopyTo(_header, Magic.Length);
            var salt = _header.AsSpan(Magic.Length + EncryptionKey.IdBytes, SaltBytes);
            RandomNumberGenerator.Fill(salt);
            BinaryPrimitives.WriteInt32BigEndian(_header.AsSpan(HeaderBytes - 4), ChunkBytes);
            _aes = new AesGcm(key.Derive(Purpose, salt), TagBytes);
            _destination.Write(_header);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            while (buffer.Length > 0)
            {
                // A full chunk is sealed only when more bytes follow: the last chunk must carry the last-chunk flag.
                if (_filled == ChunkBytes) SealChunk(last: false);
                var n = Math.Min(buffer.Length, ChunkBytes - _filled);
                buffer[..n].CopyTo(_plain.AsSpan(_filled));
                _filled += n;
                buffer = buffer[n..];
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        private void SealChunk(bool last)
        {
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, _counter++, last);
            _aes.Encrypt(nonce, _plain.AsSpan(0, _filled), _sealed.AsSpan(0, _filled), _sealed.AsSpan(_filled, TagBytes), _header);
            _destination.Write(_sealed, 0, _filled + TagBytes);
            _filled = 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                try
                {
                    SealChunk(last: true);
                    _destination.Flush();
                }
                finally
                {
                    _aes.Dispose();
                    CryptographicOperations.ZeroMemory(_plain);
                }
            }
            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !_closed;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class OpeningStream : ForwardReadStream
    {
        private readonly Stream _source;
        private readonly string _path;
        private readonly byte[] _header;
        private readonly AesGcm _aes;
        private readonly int _chunkBytes;
        private readonly byte[] _sealed;
        private readonly byte[] _plain;
        private int _sealedFilled; // bytes of the next chunk (and one lookahead byte) already read from the source
        private int _plainOffset, _plainLength;
        private long _counter;
        private bool _done;

        public OpeningStream(Stream source, ReadOnlySpan<byte> header, EncryptionKeyRing keys, string path)
        {
            _source = source;
            _path = path;
            if (header.Length < HeaderBytes) throw new StoredObjectUnreadableException($"{path}: the encrypted file is cut short in its header");
            _header = header.ToArray();
            var keyId = header.Slice(Magic.Length, EncryptionKey.IdBytes);
            var key = keys.Find(keyId) ?? throw new StoredObjectUnreadableException(
                $"{path} is encrypted with key {Convert.ToHexStringLower(keyId)}, which is not in the key ring (restore its key file or configuration entry)");
            _chunkBytes = BinaryPrimitives.ReadInt32BigEndian(header[(HeaderBytes - 4)..]);
            if (_chunkBytes is < 1 or > 16 << 20) throw new StoredObjectUnreadableException($"{path}: the encrypted file's chunk size {_chunkBytes} is not valid");
            _aes = new AesGcm(key.Derive(Purpose, header.Slice(Magic.Length + EncryptionKey.IdBytes, SaltBytes)), TagBytes);
            _sealed = new byte[_chunkBytes + TagBytes + 1];
            _plain = new byte[_chunkBytes];
        }

        public override int Read(Span<byte> buffer)
        {
            if (_plainOffset == _plainLength)
            {
                if (_done) return 0;
                OpenNextChunk();
                if (_plainLength == 0) return 0;
            }
            var n = Math.Min(buffer.Length, _plainLength - _plainOffset);
            _plain.AsSpan(_plainOffset, n).CopyTo(buffer);
            _plainOffset += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        /// <summary>Reads one chunk and one byte beyond it: a byte beyond means the chunk is not the last.</summary>
        private void OpenNextChunk()
        {
            var want = _chunkBytes + TagBytes + 1;
            _sealedFilled += _source.ReadAtLeast(_sealed.AsSpan(_sealedFilled, want - _sealedFilled), want - _sealedFilled, throwOnEndOfStream: false);
            var last = _sealedFilled < want;
            var chunk = last ? _sealedFilled : _chunkBytes + TagBytes;
            if (chunk < TagBytes) throw new StoredObjectUnreadableException($"{_path}: the encrypted file is cut short (chunk {_counter})");
            var length = chunk - TagBytes;
            Span<byte> nonce = stackalloc byte[12];
            Nonce(nonce, _counter, last);
            try
            {
                _aes.Decrypt(nonce, _sealed.AsSpan(0, length), _sealed.AsSpan(length, TagBytes), _plain.AsSpan(0, length), _header);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new StoredObjectUnreadableException($"{_path}: chunk {_counter} of the encrypted file fails authentication (the file was changed, cut short, or sealed with another key of the same id)", e);
            }
            _counter++;
            _plainOffset = 0;
            _plainLength = length;
            if (last)
            {
                _done = true;
                _sealedFilled = 0;
            }
            else
            {
                _sealed[0] = _sealed[want - 1]; // the lookahead byte begins the next chunk
                _sealedFilled = 1;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _aes.Dispose();
                _source.Dispose();
                CryptographicOperations.ZeroMemory(_plain);
            }
            base.Dispose(disposing);
        }
    }
}
