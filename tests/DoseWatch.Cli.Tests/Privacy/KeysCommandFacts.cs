using DoseWatch.Cli.Commands;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Tests;

namespace DoseWatch.Cli.Tests.Privacy;

/// <summary><c>dosewatch keys rotate</c> and <c>keys reencrypt</c> on a real data directory: a plaintext object from
/// before encryption and one sealed with the first key both end under the new key, byte for byte the same object.</summary>
public sealed class KeysCommandFacts : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dosewatch-keys-cli-");

    public async Task InitializeAsync()
    {
        var connections = new SqliteConnectionFactory(Path.Combine(_data.FullName, DbConnectionFactory.SqliteFileName));
        await new MigrationRunner(connections, MigrationCatalog.Embedded(DatabaseProvider.Sqlite)).MigrateAsync();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await KeysCommand.RunAsync([.. args, "--data", _data.FullName], output, error);
        return (exit, output.ToString() + error);
    }

    [SamplesFact]
    public async Task Rotate_then_reencrypt_moves_every_stored_object_to_the_new_key()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var original = await File.ReadAllBytesAsync(sample);
        var inbox = _data.CreateSubdirectory("inbox").FullName;
        var quarantine = _data.CreateSubdirectory("quarantine").FullName;
        var plaintext = Path.Combine(inbox, "1.2.3.dcm");
        File.Copy(sample, plaintext);
        var firstRing = EncryptionKeyRing.Resolve(null, _data.FullName);
        var sealedWithFirst = Path.Combine(quarantine, "1.2.4.dcm");
        await using (var file = new FileStream(sealedWithFirst, FileMode.CreateNew))
        await using (var sealing = new StoredObjectCipher(firstRing).Seal(file))
            await sealing.WriteAsync(original);

        var (rotateExit, rotateOutput) = await RunAsync("rotate");
        Assert.True(rotateExit == 0, rotateOutput);
        var ring = EncryptionKeyRing.Resolve(null, _data.FullName);
        Assert.Equal([1, 2], ring.Keys.Select(k => k.Number));
        Assert.Contains(ring.Current.IdHex, rotateOutput);

        var (exit, output) = await RunAsync("reencrypt");
        Assert.True(exit == 0, output);
        Assert.Contains("2 file(s) re-encrypted with key 2", output);
        var cipher = new StoredObjectCipher(ring);
        foreach (var path in new[] { plaintext, sealedWithFirst })
        {
            Assert.Equal(ring.Current.IdHex, StoredObjectCipher.SealingKeyId(path));
            await using var read = cipher.OpenRead(path);
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(original, copy.ToArray());
            if (!OperatingSystem.IsWindows()) Assert.Equal(OwnerOnlyFiles.FileMode, File.GetUnixFileMode(path));
        }

        var (again, againOutput) = await RunAsync("reencrypt");
        Assert.Equal(0, again);
        Assert.Contains("0 file(s) re-encrypted with key 2", againOutput);
        Assert.Contains("2 already current", againOutput);
    }
}
