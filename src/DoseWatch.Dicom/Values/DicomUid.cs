using System.Globalization;
using System.Text;

namespace DoseWatch.Dicom;

/// <summary>Checks on a UID value (PS3.5 §9.1) as received: peers and stored objects can carry anything.</summary>
public static class DicomUid
{
    /// <summary>Digits and dots, 1-64 characters, not starting with a dot: the only UIDs DoseWatch accepts, names files after, or writes.</summary>
    public static bool IsValid(string? uid) =>
        uid is { Length: > 0 and <= 64 } && uid.All(c => c is (>= '0' and <= '9') or '.') && uid[0] != '.';

    /// <summary>The value as it can be shown in a log or a message: anything outside printable ASCII as <c>\xNN</c>, at most 80 characters.</summary>
    public static string Printable(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value.Length > 80 ? value[..80] : value)
            text.Append(c is >= ' ' and <= '~' ? c.ToString() : string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"));
        return value.Length > 80 ? text.Append('…').ToString() : text.ToString();
    }
}
