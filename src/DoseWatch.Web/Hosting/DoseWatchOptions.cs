namespace DoseWatch.Web.Hosting;

/// <summary>Configuration section <c>DoseWatch</c> (the database has its own subsection, <see cref="Data.DatabaseOptions"/>).</summary>
public sealed class DoseWatchOptions
{
    public const string Section = "DoseWatch";

    /// <summary>Where the SQLite database, Hangfire's job store, received instances and quarantine live. Relative paths are taken from the content root.</summary>
    public string DataDirectory { get; set; } = "./data";
}

/// <summary>The resolved, existing data directory: owner-only (0700, its files 0600; see <see cref="Core.Privacy.OwnerOnlyFiles"/>).</summary>
public sealed class DataDirectory
{
    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Core.Privacy.OwnerOnlyFiles.Tighten(Path);
    }

    public string Path { get; }

    /// <summary>A subdirectory of the data directory, created if missing.</summary>
    public string Subdirectory(string name) => OperatingSystem.IsWindows()
        ? Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName
        : Directory.CreateDirectory(System.IO.Path.Combine(Path, name), Core.Privacy.OwnerOnlyFiles.DirectoryMode).FullName;

    public static DataDirectory Resolve(DoseWatchOptions options, IHostEnvironment environment) =>
        new(System.IO.Path.Combine(environment.ContentRootPath, options.DataDirectory));
}
