using System.Buffers.Binary;
using System.Diagnostics;
using DoseWatch.Tests;
using Xunit.Abstractions;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>
/// Deterministic mutation fuzzing (fixed seeds): tens of thousands of damaged copies of small real files (flipped
/// bytes, truncations at and inside element headers and values, huge and undefined lengths, corrupted VRs, inserted
/// item headers) must each give either a data set (which the writer can re-encode) or a DicomFormatException:
/// never another exception, never a hang, never an allocation out of proportion to the input.
/// The longer, coverage-guided SharpFuzz run is described in docs/fuzzing.md.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper output)
{
    private const int MutationsPerSeed = 4000;
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private static readonly TimeSpan ParseLimit = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Seeds() =>
    [
        SharedSamples.Available ? SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm") : "",
        SharedSamples.Available ? SharedSamples.Path_("openrem/DX-Im-GE_XR220-1.dcm") : "",
        Path.Combine(PydicomTestFiles, "image_dfl.dcm"),          // deflated
        Path.Combine(PydicomTestFiles, "ExplVR_BigEndNoMeta.dcm"), // big endian, no meta
        Path.Combine(PydicomTestFiles, "nested_priv_SQ.dcm"),      // implicit, UN with undefined length
        Path.Combine(PydicomTestFiles, "UN_sequence.dcm"),
        Path.Combine(PydicomTestFiles, "rtplan.dcm"),              // implicit, nested sequences
        Path.Combine(PydicomTestFiles, "JPEG2000.dcm"),            // encapsulated fragments
        Path.Combine(PydicomTestFiles, "reportsi.dcm"),            // SR content tree
        Path.Combine(PydicomTestFiles, "no_meta_group_length.dcm"),
    ];

    [SamplesTheory]
    [MemberData(nameof(Seeds))]
    public void Mutated_inputs_give_a_data_set_or_a_DicomFormatException(string seedPath)
    {
        var seed = File.ReadAllBytes(seedPath);
        var boundaries = Boundaries(seed);
        var rng = new Random(HashCode(Path.GetFileName(seedPath)));
        var failures = new List<string>();
        int parsed = 0, refused = 0;
        var current = "";
        var started = Stopwatch.GetTimestamp();

        var worker = new Thread(() =>
        {
            for (var i = 0; i < MutationsPerSeed && failures.Count < 5; i++)
            {
                var (input, description) = Mutate(seed, boundaries, rng);
                current = $"#{i} {description}";
                Volatile.Write(ref started, Stopwatch.GetTimestamp());
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    Stream source = i % 4 == 0 ? new TrickleStream(new MemoryStream(input), 7) : new MemoryStream(input);
                    var file = DicomReader.Read(source);
                    DicomWriter.Encode(file.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian);
                    parsed++;
                }
                catch (DicomFormatException)
                {
                    refused++;
                }
                catch (Exception ex)
                {
                    failures.Add($"{current}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
                }
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > 8L * 1024 * 1024 + 64L * input.Length)
                    failures.Add($"{current}: allocated {allocated:N0} bytes for a {input.Length:N0}-byte input");
            }
        }) { IsBackground = true, Name = "fuzz " + Path.GetFileName(seedPath) };
        worker.Start();
        while (!worker.Join(100))
        {
            var running = Stopwatch.GetElapsedTime(Volatile.Read(ref started));
            Assert.True(running < ParseLimit, $"parse of {current} still running after {running.TotalSeconds:F1} s (hang)");
        }

        output.WriteLine($"{Path.GetFileName(seedPath)}: {parsed} mutated inputs parsed, {refused} refused with DicomFormatException");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.Equal(MutationsPerSeed, parsed + refused);
        Assert.True(refused > 0 && parsed > 0, $"mutations too weak or too strong: {parsed} parsed, {refused} refused");
    }

    private static int HashCode(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }

    /// <summary>Where element values start and end in the seed (from our own reading of it): the places where a
    /// truncation, a length overwrite or an inserted header hurts most.</summary>
    private static int[] Boundaries(byte[] seed)
    {
        var offsets = new SortedSet<int> { 0, 128, 132, seed.Length };
        try
        {
            var file = DicomReader.Read(new MemoryStream(seed));
            if (file.TransferSyntax.IsDeflated) return [.. offsets];
            void Visit(DicomDataSet ds)
            {
                foreach (var e in ds)
                {
                    if (e.SourceOffset >= 0)
                    {
                        offsets.Add((int)e.SourceOffset);
                        if (e.Length >= 0) offsets.Add((int)(e.SourceOffset + e.Length));
                    }
                    if (e is DicomSequence sq) foreach (var item in sq.Items) Visit(item);
                }
            }
            Visit(file.Meta);
            Visit(file.DataSet);
        }
        catch (DicomFormatException) { }
        return offsets.Where(o => o >= 0 && o <= seed.Length).ToArray();
    }

    private static (byte[] Input, string Description) Mutate(byte[] seed, int[] boundaries, Random rng)
    {
        var kind = rng.Next(8);
        var data = (byte[])seed.Clone();
        var at = boundaries[rng.Next(boundaries.Length)];
        switch (kind)
        {
            case 0:
            {
                var n = 1 + rng.Next(4);
                for (var k = 0; k < n; k++) data[rng.Next(data.Length)] = (byte)rng.Next(256);
                return (data, $"flip {n} bytes");
            }
            case 1:
            {
                var cut = rng.Next(data.Length);
                return (data[..cut], $"truncate at {cut}");
            }
            case 2:
            {
                var cut = Math.Clamp(at - rng.Next(13), 0, data.Length); // at a value start, or inside its header
                return (data[..cut], $"truncate at {cut} (boundary {at})");
            }
            case 3:
            {
                var pos = Math.Clamp(at - 4, 0, Math.Max(0, data.Length - 4));
                uint[] huge = [0xFFFFFFF0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x40000000, (uint)rng.Next()];
                var value = huge[rng.Next(huge.Length)];
                if (data.Length >= 4) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(pos), value);
                return (data, $"length 0x{value:X8} at {pos}");
            }
            case 4:
            {
                var pos = Math.Clamp(at - 2, 0, Math.Max(0, data.Length - 2));
                if (data.Length >= 2) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(pos), (ushort)rng.Next(65536));
                return (data, $"16-bit length garbage at {pos}");
            }
            case 5:
            {
                // Nested undefined-length items/sequences inserted at a boundary.
                var depth = 1 + rng.Next(100);
                var insert = new byte[depth * 16];
                for (var d = 0; d < depth; d++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(insert.AsSpan(d * 16), 0xA7300040);     // (0040,A730)
                    BinaryPrimitives.WriteUInt32LittleEndian(insert.AsSpan(d * 16 + 4), 0x00005153); // "SQ" + reserved
                    BinaryPrimitives.WriteUInt32LittleEndian(insert.AsSpan(d * 16 + 8), 0xE000FFFE); // item tag
                    BinaryPrimitives.WriteUInt32LittleEndian(insert.AsSpan(d * 16 + 12), 0xFFFFFFFF);
                }
                var pos = Math.Clamp(at - rng.Next(9), 0, data.Length);
                return ([.. data[..pos], .. insert, .. data[pos..]], $"{depth} nested undefined-length items at {pos}");
            }
            case 6:
            {
                var pos = Math.Clamp(at - 8 + 4, 0, Math.Max(0, data.Length - 2));
                string[] vrs = ["SQ", "UN", "OB", "OW", "US", "AT", "FD", "ZZ", "\0\0", "UT"];
                var vr = vrs[rng.Next(vrs.Length)];
                if (data.Length >= 2) { data[pos] = (byte)vr[0]; data[pos + 1] = (byte)vr[1]; }
                return (data, $"VR '{vr}' at {pos}");
            }
            default:
            {
                var (once, first) = Mutate(seed, boundaries, rng);
                var pos = rng.Next(Math.Max(1, once.Length));
                if (once.Length > 0) once[pos] ^= (byte)(1 << rng.Next(8));
                return (once, first + $" + bit flip at {pos}");
            }
        }
    }
}
