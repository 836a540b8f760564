namespace DoseWatch.Web.Hosting;

/// <summary>
/// What a PACS administrator types into a modality to send to DoseWatch: this host, the Store SCP port and AE title
/// (configuration <c>Dicom:Port</c> and <c>Dicom:AeTitle</c>; the SCP validates them, this only displays them).
/// </summary>
public sealed record DicomListenerInfo(string HostName, int Port, string AeTitle)
{
    public const int DefaultPort = 11112;
    public const string DefaultAeTitle = "DOSEWATCH";

    public static DicomListenerInfo From(IConfiguration configuration) => new(
        System.Net.Dns.GetHostName(),
        configuration.GetValue("Dicom:Port", DefaultPort),
        configuration.GetValue<string>("Dicom:AeTitle") is { Length: > 0 } ae ? ae : DefaultAeTitle);
}
