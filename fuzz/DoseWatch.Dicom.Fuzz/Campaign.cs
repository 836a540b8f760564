using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Dicom.Fuzz;

/// <summary>
/// An in-process loopback campaign without a coverage-guided fuzzer (docs/fuzzing.md): each case is one mutated input,
/// deterministic from (seed, case number), in one of three kinds, in turn:
/// <list type="bullet">
/// <item>PDU: a whole association as a modality sends it (A-ASSOCIATE-RQ, C-ECHO, C-STORE of a seed object in random
/// fragment sizes, A-RELEASE-RQ), mutated, fed to the product's <see cref="AssociationAcceptor"/> as its transport;
/// every data set the acceptor stores is parsed again like the extraction job does.</item>
/// <item>Data set: a seed object's bytes, mutated, through <see cref="DicomReader"/> and <see cref="DicomWriter"/>.</item>
/// <item>Stored object: a seed object encrypted by <see cref="StoredObjectCipher"/>, mutated, through its reader.</item>
/// </list>
/// A crash is an exception escaping the acceptor or any exception of another kind than the reader's documented ones;
/// an internal fault is an association the acceptor aborted because of an exception of ours (not the peer's
/// protocol error); a hang is a case still running after the watchdog's limit. Each is saved for replay.
/// </summary>
internal static class Campaign
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);
    private static readonly uint[] InterestingLengths = [0, 1, 2, 4, 6, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFE, 0xFFFFFFFF];
    private static readonly string[] ExpectedAbortDetails = [nameof(PduFormatException), nameof(DimseProtocolException), nameof(DicomFormatException), nameof(UlInvalidTransitionException)];

    public static int Run(string[] args)
    {
        long cases = 1_000_000, seed = 1;
        string outDir = Path.Combine(Path.GetTempPath(), "dosewatch-fuzz-campaign");
        var seedFiles = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cases": cases = long.Parse(args[++i]); break;
                case "--seed": seed = long.Parse(args[++i]); break;
                case "--out": outDir = args[++i]; break;
                default: seedFiles.Add(args[i]); break;
            }
        }
        if (seedFiles.Count == 0)
        {
            Console.Error.WriteLine("usage: campaign [--cases N] [--seed S] [--out DIR] SEED_FILE...");
            return 2;
        }
        Directory.CreateDirectory(outDir);
        var seeds = seedFiles.Select(Seed.From).ToList();
        var cipher = new StoredObjectCipher(new EncryptionKeyRing([EncryptionKey.From(1, RandomNumberGenerator.GetBytes(32))]));
        var sealedSeeds = seeds.Select(s => SealInMemory(cipher, s.FileBytes)).ToList();
        var sealedPath = Path.Combine(outDir, "current-sealed.bin");

        long crashes = 0, faults = 0, hangs = 0, pdus = 0, dataSets = 0, stored = 0, associations = 0, instancesStored = 0;
        var clock = Stopwatch.StartNew();
        for (long n = 0; n < cases; n++)
        {
            var random = new Random(HashCode.Combine(seed, n));
            var s = seeds[random.Next(seeds.Count)];
            var kind = n % 4; // two PDU cases for each data-set and stored-object case: the network is the attack surface
            byte[] input;
            Func<Task<string?>> run;
            if (kind <= 1)
            {
                pdus++;
                input = Mutate(random, s.AssociationBytes, s.PduStarts, seeds[random.Next(seeds.Count)].AssociationBytes);
                run = async () =>
                {
                    var store = new ParsingStore();
                    var record = await new AssociationAcceptor(new AcceptorPolicy { AeTitle = "DOSEWATCH" }, store,
                        new UpperLayerOptions { ArtimTimeout = TimeSpan.FromSeconds(2), IdleTimeout = TimeSpan.FromSeconds(2) })
                        .RunAsync(new LoopbackTransport(input), new IPEndPoint(IPAddress.Loopback, 40000), tls: false, overCapacity: random.Next(50) == 0, CancellationToken.None);
                    associations++;
                    instancesStored += store.Completed;
                    if (store.Unexpected is { } e) return $"crash: data set parse threw {e}";
                    if (record.Outcome == AssociationOutcome.Aborted && record.Detail is { } d && !ExpectedAbortDetails.Any(x => d.StartsWith(x, StringComparison.Ordinal))
                        && d.Contains("Exception", StringComparison.Ordinal))
                        return "fault: " + d;
                    return null;
                };
            }
            else if (kind == 2)
            {
                dataSets++;
                input = Mutate(random, s.FileBytes, [], seeds[random.Next(seeds.Count)].FileBytes);
                run = () => Task.FromResult(ReadDataSet(input, random.Next(4) == 0));
            }
            else
            {
                stored++;
                var sealedSeed = sealedSeeds[random.Next(sealedSeeds.Count)];
                input = random.Next(8) == 0 ? sealedSeed : Mutate(random, sealedSeed, [], sealedSeed);
                run = () => Task.FromResult(ReadStored(cipher, sealedPath, input));
            }

            var task = Task.Run(run);
            string? failure;
            if (!task.Wait(HangLimit)) failure = "hang";
            else failure = task.IsFaulted ? "crash: " + task.Exception!.InnerException : task.Result;
            if (failure is not null)
            {
                if (failure == "hang") hangs++;
                else if (failure.StartsWith("fault", StringComparison.Ordinal)) faults++;
                else crashes++;
                var name = $"{failure.Split(':')[0]}-{seed}-{n}-kind{kind}";
                File.WriteAllBytes(Path.Combine(outDir, name + ".bin"), input);
                File.WriteAllText(Path.Combine(outDir, name + ".txt"), failure);
                if (crashes + faults + hangs <= 20) Console.WriteLine($"case {n}: {failure.Split('\n')[0]}");
            }
            if ((n + 1) % 50_000 == 0)
                Console.WriteLine($"{n + 1:N0} cases in {clock.Elapsed:hh\\:mm\\:ss}: {pdus:N0} association streams ({associations:N0} associations, {instancesStored:N0} instances stored), {dataSets:N0} data sets, {stored:N0} stored objects; {crashes} crashes, {faults} internal faults, {hangs} hangs");
        }
        Console.WriteLine($"DONE {cases:N0} cases (seed {seed}, {seeds.Count} seed objects) in {clock.Elapsed:hh\\:mm\\:ss}: {pdus:N0} mutated association streams, {dataSets:N0} mutated data sets, {stored:N0} mutated encrypted objects; {crashes} crashes, {faults} internal faults, {hangs} hangs; failures saved in {outDir}");
        File.Delete(sealedPath);
        return crashes + hangs == 0 ? 0 : 1;
    }

    private static string? ReadDataSet(byte[] input, bool trickle)
    {
        try
        {
            Stream stream = trickle ? new TrickleStream(input) : new MemoryStream(input, writable: false);
            var file = DicomReader.Read(stream, new DicomReadOptions { MaxValueLength = 64L << 20 });
            DicomWriter.Encode(file.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian);
            return null;
        }
        catch (DicomFormatException)
        {
            return null;
        }
    }

    private static string? ReadStored(StoredObjectCipher cipher, string path, byte[] input)
    {
        File.WriteAllBytes(path, input);
        try
        {
            var file = cipher.ReadDicom(path, new DicomReadOptions { MaxValueLength = 64L << 20 });
            DicomWriter.Encode(file.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian);
            return null;
        }
        catch (Exception e) when (e is DicomFormatException or StoredObjectUnreadableException)
        {
            return null;
        }
    }

    private static byte[] SealInMemory(StoredObjectCipher cipher, byte[] content)
    {
        using var output = new MemoryStream();
        using (var sealing = cipher.Seal(output)) sealing.Write(content);
        return output.ToArray();
    }

    /// <summary>One to four mutations: byte and bit changes, length fields overwritten with boundary values (at a PDU
    /// header or anywhere), insertions, deletions, duplicated or spliced ranges, truncation.</summary>
    private static byte[] Mutate(Random random, byte[] seed, IReadOnlyList<int> pduStarts, byte[] other)
    {
        var data = new List<byte>(seed);
        var count = 1 + random.Next(4);
        for (var m = 0; m < count && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(10))
            {
                case 0: data[at] = (byte)random.Next(256); break;
                case 1: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 2 when pduStarts.Count > 0:
                    // a PDU length (bytes 2-5 of its header) or an item length inside the A-ASSOCIATE-RQ
                    var start = pduStarts[random.Next(pduStarts.Count)] + (random.Next(3) == 0 ? random.Next(80) : 2);
                    WriteBigEndian(data, start, InterestingLengths[random.Next(InterestingLengths.Length)], random.Next(2) == 0 ? 4 : 2);
                    break;
                case 2:
                case 3: WriteBigEndian(data, at, InterestingLengths[random.Next(InterestingLengths.Length)], random.Next(2) == 0 ? 4 : 2, littleEndian: random.Next(2) == 0); break;
                case 4: data.InsertRange(at, RandomNumberGenerator.GetBytes(1 + random.Next(16))); break;
                case 5: data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(64))); break;
                case 6:
                    var from = random.Next(data.Count);
                    var length = Math.Min(data.Count - from, 1 + random.Next(512));
                    data.InsertRange(at, data.GetRange(from, length));
                    break;
                case 7:
                    var splice = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(splice, Math.Min(other.Length - splice, 1 + random.Next(256))).ToArray());
                    break;
                case 8: data.RemoveRange(at, data.Count - at); break; // truncation
                default:
                    for (var i = 0; i < 1 + random.Next(8); i++) data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
            }
        }
        return [.. data];
    }

    private static void WriteBigEndian(List<byte> data, int at, uint value, int width, bool littleEndian = false)
    {
        for (var i = 0; i < width && at + i < data.Count; i++)
        {
            var shift = littleEndian ? 8 * i : 8 * (width - 1 - i);
            data[at + i] = (byte)(value >> shift);
        }
    }

    /// <summary>A seed object and the association a modality would open to send it.</summary>
    private sealed record Seed(byte[] FileBytes, byte[] AssociationBytes, IReadOnlyList<int> PduStarts)
    {
        public static Seed From(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var file = DicomReader.Read(new MemoryStream(bytes, writable: false));
            var sopClass = file.DataSet.GetString(DicomTag.SopClassUid) ?? SopClassUids.DefaultStorage.First();
            var sopInstance = file.DataSet.GetString(DicomTag.SopInstanceUid) ?? "1.2.3.4";
            var ts = file.TransferSyntax.IsDeflated
                ? DicomTransferSyntax.ExplicitVRLittleEndian : file.TransferSyntax;
            var dataSet = DicomWriter.Encode(file.DataSet, ts);
            var pdus = new List<ProtocolDataUnit>
            {
                AssociationNegotiation.BuildRequest("FUZZSCU", "DOSEWATCH",
                    [(SopClassUids.Verification, [DicomTransferSyntax.ImplicitVRLittleEndian.Uid]), (sopClass, [ts.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid])], 16384),
                Command(1, DimseCommand.CEchoRq(1)),
                Command(3, DimseCommand.CStoreRq(2, sopClass, sopInstance)),
            };
            var random = new Random(bytes.Length);
            for (var at = 0; at < dataSet.Length;)
            {
                var length = Math.Min(dataSet.Length - at, 1 + random.Next(16000));
                pdus.Add(new PDataTf([new Pdv(3, false, at + length == dataSet.Length, dataSet.AsMemory(at, length))]));
                at += length;
            }
            pdus.Add(new AReleaseRq());
            var stream = new MemoryStream();
            var starts = new List<int>();
            foreach (var pdu in pdus)
            {
                starts.Add((int)stream.Length);
                stream.Write(PduEncoder.Encode(pdu));
            }
            return new Seed(bytes, stream.ToArray(), starts);
        }

        private static PDataTf Command(byte contextId, DimseCommand command) => new([new Pdv(contextId, true, true, command.Encode())]);
    }

    /// <summary>What the acceptor stores, parsed again at completion as the extraction job would parse the file.</summary>
    private sealed class ParsingStore : IStoreHandler
    {
        public int Completed;
        public Exception? Unexpected;

        public ValueTask<IIncomingInstance> BeginAsync(IncomingStore store, CancellationToken ct) =>
            ValueTask.FromResult<IIncomingInstance>(new Instance(this, store));

        private sealed class Instance(ParsingStore owner, IncomingStore store) : IIncomingInstance
        {
            private readonly MemoryStream _bytes = new();

            public ValueTask WriteAsync(ReadOnlyMemory<byte> fragment, CancellationToken ct)
            {
                _bytes.Write(fragment.Span);
                return ValueTask.CompletedTask;
            }

            public ValueTask<DimseStatus> CompleteAsync(CancellationToken ct)
            {
                owner.Completed++;
                try
                {
                    _bytes.Position = 0;
                    DicomReader.ReadDataSet(_bytes, store.Context.TransferSyntax, new DicomReadOptions { MaxValueLength = 64L << 20 });
                }
                catch (DicomFormatException)
                {
                    return ValueTask.FromResult(DimseStatus.ErrorCannotUnderstand);
                }
                catch (Exception e)
                {
                    owner.Unexpected = e;
                }
                return ValueTask.FromResult(DimseStatus.Success);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>The peer's bytes, then end of stream; whatever the acceptor answers is discarded.</summary>
    private sealed class LoopbackTransport(byte[] input) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, input.Length - _position);
            input.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override void Write(byte[] buffer, int offset, int count) { }
        public override void Write(ReadOnlySpan<byte> buffer) { }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The network case for the reader: 7 bytes per read, no length to check against.</summary>
    private sealed class TrickleStream(byte[] input) : ForwardReadStream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7), input.Length - _position);
            Array.Copy(input, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }
}
