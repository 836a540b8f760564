namespace DoseWatch.Web.Hosting;

/// <summary>Configuration section <c>DoseWatch</c> (the database has its own subsection, <see cref="Data.DatabaseOptions"/>).</summary>
public sealed class DoseWatchOptions
{
    public const string Section = "DoseWatch";

    /// <summary>Where the SQLite database, Hangfire's job store, received instances and quarantine live. Relative paths are taken from the content root.</summary>
    public string DataDirectory { get; set; } = "./data";
}

/// <summary>The resolved, existing data directory.</summary>
public sealed class DataDirectory
{
    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A subdirectory of the data directory, created if missing.</summary>
    public string Subdirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public static DataDirectory Resolve(DoseWatchOptions options, IHostEnvironment environment) =>
        new(System.IO.Path.Combine(environment.ContentRootPath, options.DataDirectory));
}
