using System.Collections;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// The DoseWatch database and data directory for commands that work on them directly (audit, de-identified export):
/// <c>--data DIR</c> (else DoseWatch__DataDirectory, else ./data) and, for PostgreSQL, <c>--postgres CONNECTION</c>
/// (else DoseWatch__Database__Provider=PostgreSql with DoseWatch__Database__ConnectionString), the same settings the app reads.
/// </summary>
internal sealed class LocalDatabase
{
    public const string Usage = "[--data DIR] [--postgres CONNECTION]";

    private LocalDatabase(string dataDirectory, DatabaseOptions options)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Options = options;
    }

    public string DataDirectory { get; }

    public DatabaseOptions Options { get; }

    public static LocalDatabase From(NetworkArguments a)
    {
        var data = a.Get("--data", Environment.GetEnvironmentVariable("DoseWatch__DataDirectory") is { Length: > 0 } env ? env : "./data");
        var options = new DatabaseOptions();
        if (a.Has("--postgres"))
        {
            options.Provider = DatabaseProvider.PostgreSql;
            options.ConnectionString = a.Get("--postgres", "");
        }
        else if (string.Equals(Environment.GetEnvironmentVariable("DoseWatch__Database__Provider"), nameof(DatabaseProvider.PostgreSql), StringComparison.OrdinalIgnoreCase))
        {
            options.Provider = DatabaseProvider.PostgreSql;
            options.ConnectionString = Environment.GetEnvironmentVariable("DoseWatch__Database__ConnectionString");
        }
        if (options.Provider == DatabaseProvider.Sqlite && !File.Exists(Path.Combine(data, DbConnectionFactory.SqliteFileName)))
            throw new ArgumentException($"no DoseWatch database in {Path.GetFullPath(data)} (give --data DIR or --postgres CONNECTION)");
        return new LocalDatabase(data, options);
    }

    public IDbConnectionFactory Open() => DbConnectionFactory.Create(Options, DataDirectory);

    /// <summary>The privacy keys' settings as the app reads them from the environment (<c>DoseWatch__Privacy__…</c>).</summary>
    public PrivacyOptions Privacy { get; } = PrivacyFromEnvironment();

    /// <summary>The app's encryption key ring: configured keys, else the key files beside the data (generated when none).</summary>
    public EncryptionKeyRing EncryptionKeys() => EncryptionKeyRing.Resolve(Privacy.EncryptionKeys, Privacy.ResolveKeyDirectory(DataDirectory));

    public StoredObjectCipher StoredObjects() => new(EncryptionKeys());

    /// <summary>The audit chain's key, as the app resolves it (configuration, else audit.key).</summary>
    public byte[] AuditKey() => Privacy.ResolveAuditKey(DataDirectory);

    public DoseWatch.Data.Audit.AuditLog AuditLog(IDbConnectionFactory connections) => new(connections, AuditKey());

    public static PrivacyOptions PrivacyFromEnvironment()
    {
        const string prefix = "DoseWatch__Privacy__";
        var o = new PrivacyOptions
        {
            PseudonymKey = Environment.GetEnvironmentVariable(prefix + nameof(PrivacyOptions.PseudonymKey)),
            KeyDirectory = Environment.GetEnvironmentVariable(prefix + nameof(PrivacyOptions.KeyDirectory)),
            AuditKey = Environment.GetEnvironmentVariable(prefix + nameof(PrivacyOptions.AuditKey)),
        };
        var keys = prefix + nameof(PrivacyOptions.EncryptionKeys) + "__";
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string name && name.StartsWith(keys, StringComparison.OrdinalIgnoreCase) && e.Value is string value)
                o.EncryptionKeys[name[keys.Length..]] = value;
        return o;
    }
}
