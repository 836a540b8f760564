namespace DoseWatch.Tests.Network;

/// <summary>A temporary directory for generated test files, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dw-net-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Copies of <paramref name="source"/> with new SOP Instance UIDs (DCMTK dcmodify -gin), named copy-N.dcm.</summary>
    public async Task<string[]> CopiesWithNewUidsAsync(string source, int count, string? subdirectory = null)
    {
        var dir = subdirectory is null ? Path : Directory.CreateDirectory(System.IO.Path.Combine(Path, subdirectory)).FullName;
        var files = Enumerable.Range(0, count).Select(i => System.IO.Path.Combine(dir, $"copy-{i}.dcm")).ToArray();
        foreach (var f in files) System.IO.File.Copy(source, f);
        var r = await PeerProcess.RunAsync("dcmodify", ["-nb", "-gin", .. files]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"dcmodify failed: {r.All}");
        return files;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
