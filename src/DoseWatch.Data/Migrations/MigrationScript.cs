using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Data.Migrations;

/// <summary>
/// One numbered migration as it will run on one provider. <see cref="Checksum"/> is the SHA-256 of the file text
/// with line endings normalised, so a checkout with CRLF endings does not look like an edited script.
/// </summary>
public sealed record MigrationScript(int Version, string Name, string Sql, string Checksum)
{
    public static MigrationScript FromText(int version, string name, string fileText) =>
        new(version, name, fileText, ChecksumOf(fileText));

    public static string ChecksumOf(string fileText)
    {
        var normalised = fileText.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    public override string ToString() => $"{Version:D4}_{Name}";
}
