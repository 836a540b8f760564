using System.Runtime.CompilerServices;

namespace DoseWatch.Tests;

/// <summary>
/// Locates <c>../shared</c> (real anonymised samples and references) beside the repository. Tests read samples in
/// place; a user's clone may not have them, so tests that need them are skipped there with the reason, while under
/// CI=true a missing folder must fail rather than skip silently.
/// </summary>
public static class SharedSamples
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string SamplesDirectory => Path.Combine(SharedDirectory, "samples");

    public static bool Available => Directory.Exists(SamplesDirectory);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the samples can be used; otherwise the reason a test needing them is skipped.</summary>
    public static string? SkipReason => Available || IsCi
        ? null
        : $"../shared/samples not found at {SamplesDirectory}: these tests read real DICOM samples in place (they are never copied into the repository).";

    public static string Path_(string relative)
    {
        var p = Path.Combine(SamplesDirectory, relative);
        if (!File.Exists(p)) throw new FileNotFoundException($"Sample missing: {p}", p);
        return p;
    }

    /// <summary>Every *.dcm under ../shared/samples, relative to it; throws under CI when the folder is missing.</summary>
    public static IEnumerable<string> All()
    {
        if (!Available)
        {
            if (IsCi) throw new DirectoryNotFoundException($"CI=true but {SamplesDirectory} is missing");
            return [];
        }
        return Directory.EnumerateFiles(SamplesDirectory, "*.dcm", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(SamplesDirectory, p))
            .OrderBy(p => p, StringComparer.Ordinal);
    }

    private static string FindRepositoryRoot([CallerFilePath] string thisFile = "")
    {
        // Prefer walking up from the test binary (works from any clone); fall back to the source location.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "." })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DoseWatch.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("DoseWatch.sln not found above the test binaries");
    }
}

/// <summary>A fact that needs ../shared/samples: skipped (with the reason) only outside CI when they are missing.</summary>
public sealed class SamplesFactAttribute : FactAttribute
{
    public SamplesFactAttribute() { if (SharedSamples.SkipReason is { } why) Skip = why; }
}

/// <summary>A theory that needs ../shared/samples: skipped (with the reason) only outside CI when they are missing.</summary>
public sealed class SamplesTheoryAttribute : TheoryAttribute
{
    public SamplesTheoryAttribute() { if (SharedSamples.SkipReason is { } why) Skip = why; }
}
