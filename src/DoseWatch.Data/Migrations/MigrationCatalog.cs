using System.Reflection;
using System.Text.RegularExpressions;

namespace DoseWatch.Data.Migrations;

/// <summary>
/// The migrations this build knows, for one provider. Files are <c>NNNN_name.sql</c> (portable) or a pair
/// <c>NNNN_name.sqlite.sql</c> + <c>NNNN_name.postgresql.sql</c>; portable files may use the placeholders of
/// <see cref="SqlDialect"/>. Rules: migrations/README.md.
/// </summary>
public sealed partial class MigrationCatalog
{
    private const string ResourcePrefix = "migrations/";

    public MigrationCatalog(IEnumerable<MigrationScript> scripts)
    {
        Scripts = scripts.OrderBy(s => s.Version).ToArray();
        var duplicate = Scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new MigrationException(MigrationFailure.InvalidScriptSet,
                $"Two migrations share number {duplicate.Key:D4}: {string.Join(", ", duplicate)}.");
    }

    public IReadOnlyList<MigrationScript> Scripts { get; }

    public int LatestVersion => Scripts.Count == 0 ? 0 : Scripts[^1].Version;

    /// <summary>The scripts embedded in DoseWatch.Data from the repository's <c>migrations/</c> folder.</summary>
    public static MigrationCatalog Embedded(DatabaseProvider provider)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => (FileName: n[ResourcePrefix.Length..], Text: ReadResource(assembly, n)));
        return FromFiles(files, provider);
    }

    /// <summary>Builds the catalog from (file name, text) pairs, choosing each version's file for <paramref name="provider"/>.</summary>
    public static MigrationCatalog FromFiles(IEnumerable<(string FileName, string Text)> files, DatabaseProvider provider)
    {
        var dialect = SqlDialect.For(provider);
        var scripts = new List<MigrationScript>();
        foreach (var version in files.Select(f => Parse(f.FileName, f.Text)).GroupBy(f => f.Version))
        {
            var portable = version.Where(f => f.Dialect is null).ToArray();
            var variant = version.Where(f => f.Dialect == dialect.FileSuffix).ToArray();
            var anyVariant = version.Any(f => f.Dialect is not null);
            if (portable.Length > 1 || variant.Length > 1 || (portable.Length == 1 && anyVariant) || (anyVariant && variant.Length == 0))
                throw new MigrationException(MigrationFailure.InvalidScriptSet,
                    $"Migration {version.Key:D4} needs either one portable .sql file or one file per dialect (.sqlite.sql and .postgresql.sql); found: {string.Join(", ", version.Select(f => f.FileName))}.");
            var chosen = portable.Length == 1 ? portable[0] : variant[0];
            scripts.Add(new MigrationScript(chosen.Version, chosen.Name, dialect.Expand(chosen.Text), MigrationScript.ChecksumOf(chosen.Text)));
        }
        return new MigrationCatalog(scripts);
    }

    private static (int Version, string Name, string? Dialect, string Text, string FileName) Parse(string fileName, string text)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
            throw new MigrationException(MigrationFailure.InvalidScriptSet,
                $"Migration file name '{fileName}' does not follow NNNN_description[.sqlite|.postgresql].sql.");
        var dialect = match.Groups["dialect"].Success ? match.Groups["dialect"].Value : null;
        return (int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, dialect, text, fileName);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+?)(\.(?<dialect>sqlite|postgresql))?\.sql$")]
    private static partial Regex FileNamePattern();
}
