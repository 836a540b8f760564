namespace DoseWatch.Tests.Network;

/// <summary>A CT image of 512 x 512 x 16 bit (526 kB), written by pydicom from its CT_small sample: a data set far
/// larger than one PDU, whose header ends long before the first 64 KiB.</summary>
public static class LargeCtImage
{
    public static async Task WriteAsync(string path)
    {
        var made = await PeerProcess.RunAsync("/usr/bin/python3", ["-c", """
            import sys, pydicom
            ds = pydicom.dcmread('/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm')
            ds.Rows = ds.Columns = 512
            ds.PixelData = bytes(range(256)) * (512 * 512 * 2 // 256)
            ds.save_as(sys.argv[1], write_like_original=False)
            """, path]);
        Assert.True(made.ExitCode == 0, made.All);
    }
}
