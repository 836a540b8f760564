using DoseWatch.Dicom;
using SharpFuzz;

// The property under test, as in tests/DoseWatch.Dicom.Tests/IO/MutationFuzzTests.cs: any input ends in a data set
// that the writer can re-encode, or in a DicomFormatException. Any other exception escapes and the fuzzer records
// the input as a crash; a hang shows as an AFL timeout.
static void ReadOne(Stream input)
{
    try
    {
        var file = DicomReader.Read(input, new DicomReadOptions { MaxValueLength = 64L << 20 });
        DicomWriter.Encode(file.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian);
    }
    catch (DicomFormatException)
    {
        // the one expected outcome for bad input
    }
}

switch (args.FirstOrDefault())
{
    case "campaign":
        // In-process loopback campaign over PDUs, data sets and encrypted stored objects (docs/fuzzing.md).
        return DoseWatch.Dicom.Fuzz.Campaign.Run(args[1..]);
    case "libfuzzer":
        // libFuzzer via libfuzzer-dotnet: the driver runs this process and feeds inputs over shared memory.
        Fuzzer.LibFuzzer.Run(span => ReadOne(new MemoryStream(span.ToArray())));
        break;
    case "replay":
        // Re-run saved inputs (an AFL crashes/ or hangs/ folder, or a corpus) without a fuzzer, to debug them.
        foreach (var path in Directory.EnumerateFiles(args[1]))
        {
            Console.WriteLine(path);
            using var stream = File.OpenRead(path);
            ReadOne(stream);
        }
        break;
    default:
        // AFL / AFL++ (afl-fuzz ... -- dotnet DoseWatch.Dicom.Fuzz.dll): one input per fork-server round on stdin.
        Fuzzer.OutOfProcess.Run(ReadOne);
        break;
}
return 0;
