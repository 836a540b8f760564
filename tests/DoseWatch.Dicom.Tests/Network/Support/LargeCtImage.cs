namespace DoseWatch.Tests.Network;

/// <summary>CT images of 512 x 512 x 16 bit (526 kB), written by pydicom from its CT_small sample: data sets far
/// larger than one PDU, whose header ends long before the first 64 KiB (or smaller ones from the same sample).</summary>
public static class LargeCtImage
{
    /// <summary>One image, with CT_small's own UIDs.</summary>
    public static async Task WriteAsync(string path) => await WriteAsync([path], newUids: false);

    /// <summary>One image per path, each with a SOP Instance UID of its own; <paramref name="size"/> rows and columns.</summary>
    public static Task WriteManyAsync(IReadOnlyList<string> paths, int size = 512) => WriteAsync(paths, newUids: true, size);

    private static async Task WriteAsync(IReadOnlyList<string> paths, bool newUids, int size = 512)
    {
        var made = await PeerProcess.RunAsync("/usr/bin/python3", ["-c", """
            import sys, pydicom
            from pydicom.uid import generate_uid
            ds = pydicom.dcmread('/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm')
            n = int(sys.argv[2])
            ds.Rows = ds.Columns = n
            ds.PixelData = bytes(range(256)) * (n * n * 2 // 256)
            for path in sys.argv[3:]:
                if sys.argv[1] == 'new': ds.SOPInstanceUID = generate_uid()
                ds.save_as(path, write_like_original=False)
            """, newUids ? "new" : "same", size.ToString(System.Globalization.CultureInfo.InvariantCulture), .. paths]);
        Assert.True(made.ExitCode == 0, made.All);
    }

    /// <summary>dcmdump's reading of the data set; left out are the file meta group (each writer makes its own) and the
    /// trailing padding pydicom's sample carries, which storescu does not send.</summary>
    public static async Task<string> DataSetDumpAsync(string path)
    {
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", "-Un", "+L", path]);
        Assert.True(r.ExitCode == 0, r.All);
        return string.Join('\n', r.StdOut.Split('\n').Where(l => !l.StartsWith("(0002,", StringComparison.Ordinal) && !l.StartsWith("(fffc,fffc)", StringComparison.Ordinal)));
    }
}
