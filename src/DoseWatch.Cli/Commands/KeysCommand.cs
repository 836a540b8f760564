using DoseWatch.Core.Privacy;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch keys rotate</c>: adds the next encryption key file (the new current key for processes started after it;
/// older keys stay for reading). <c>dosewatch keys reencrypt</c>: rewrites every stored object (inbox and quarantine)
/// that is plaintext or sealed with an older key under the current key, and seals the patient identity of every study
/// row that is plaintext or under an older key, so an old key can eventually be retired.
/// Safe to run while DoseWatch runs: each file is replaced by an atomic rename; files still being received are not touched.
/// </summary>
internal static class KeysCommand
{
    public const string RotateUsage = "keys rotate " + LocalDatabase.Usage + "   add the next encryption key (restart DoseWatch to write with it)";
    public const string ReencryptUsage = "keys reencrypt " + LocalDatabase.Usage + "   re-encrypt stored objects under the current key";

    /// <summary>The stored-object folders under the data directory (the inbox and quarantine).</summary>
    public static readonly string[] StoredObjectFolders = ["inbox", "quarantine", "inbox/.conflicts"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        LocalDatabase database;
        string verb;
        try
        {
            var a = new NetworkArguments(args);
            verb = a.Positional is [var v] && v is "rotate" or "reencrypt" ? v : throw new ArgumentException("expected: keys rotate | keys reencrypt");
            database = LocalDatabase.From(a);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"keys: {e.Message}\nusage: dosewatch {RotateUsage}\n       dosewatch {ReencryptUsage}");
            return 2;
        }
        try
        {
            return verb == "rotate" ? Rotate(database, output, error) : await ReencryptAsync(database, output, error);
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine($"keys: {e.Message}");
            return 1;
        }
    }

    private static int Rotate(LocalDatabase database, TextWriter output, TextWriter error)
    {
        if (database.Privacy.EncryptionKeys.Count > 0)
        {
            error.WriteLine("keys: the encryption keys come from configuration (DoseWatch:Privacy:EncryptionKeys): add the next number there");
            return 1;
        }
        var directory = database.Privacy.ResolveKeyDirectory(database.DataDirectory);
        database.EncryptionKeys(); // the first key exists before the next is added
        var key = EncryptionKeyRing.AddNext(directory);
        output.WriteLine($"keys rotate: key {key.Number} ({key.IdHex}) is now current in {directory}; restart DoseWatch, then run `dosewatch keys reencrypt`");
        return 0;
    }

    private static async Task<int> ReencryptAsync(LocalDatabase database, TextWriter output, TextWriter error)
    {
        var cipher = database.StoredObjects();
        int resealed = 0, current = 0, failed = 0;
        foreach (var folder in StoredObjectFolders)
        {
            var directory = Path.Combine(database.DataDirectory, folder);
            if (!Directory.Exists(directory)) continue;
            foreach (var path in Directory.EnumerateFiles(directory, "*.dcm"))
            {
                try
                {
                    if (cipher.Reseal(path)) resealed++;
                    else current++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failed++;
                    error.WriteLine($"keys: {path}: {e.Message}");
                }
            }
        }
        output.WriteLine($"keys reencrypt: {resealed} file(s) re-encrypted with key {cipher.Keys.Current.Number} ({cipher.Keys.Current.IdHex}), {current} already current, {failed} failed");
        var connections = database.Open();
        try
        {
            await new MigrationRunner(connections, MigrationCatalog.Embedded(connections.Provider)).MigrateAsync();
            var rows = await new DoseRecordRepository(connections).SealStoredIdentitiesAsync(new PatientIdentityCipher(cipher.Keys), alsoOlderKeys: true);
            output.WriteLine($"keys reencrypt: {rows} study row(s) with the patient identity sealed under key {cipher.Keys.Current.Number}");
        }
        finally
        {
            if (connections is IAsyncDisposable d) await d.DisposeAsync();
        }
        return failed == 0 ? 0 : 1;
    }
}
