using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Dicom;

/// <summary>What a remote node must hold before it is saved, in words for the form.</summary>
public static class DicomNodeRules
{
    public static string? Problem(DicomNode n)
    {
        if (!DicomScpOptionsValidator.IsAeTitle(n.AeTitle)) return "The AE title must be 1 to 16 printable characters, not only spaces, without a backslash.";
        if (n.Port is < 0 or > 65535) return "The port must be between 1 and 65535 (0 for a node DoseWatch never calls).";
        if (n.Host.Any(char.IsWhiteSpace)) return "The host must be a name or an IP address, without spaces.";
        if (n.QueryRetrieve && (n.Host.Length == 0 || n.Port == 0)) return "A node DoseWatch queries needs its host and port.";
        if (n.Nightly && !n.QueryRetrieve) return "Only a node DoseWatch queries can be in the nightly catch-up.";
        if (!n.SendsToUs && !n.QueryRetrieve && n.Port == 0) return "Give the node a role: it sends to DoseWatch, or DoseWatch queries it.";
        return null;
    }
}
