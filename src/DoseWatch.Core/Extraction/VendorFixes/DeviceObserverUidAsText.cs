using DoseWatch.Core.Extraction.Sr;

namespace DoseWatch.Core.Extraction.VendorFixes;

/// <summary>
/// GE's fluoroscopy RDSR (RF-RDSR-GE) sends the Device Observer UID (121012) as a TEXT item instead of UIDREF
/// (TID 1004). OpenREM and pydicom read the text; so does DoseWatch, with a warning, so the device keeps its stable
/// key instead of falling back to manufacturer, model and serial number.
/// </summary>
public static class DeviceObserverUidAsText
{
    public const string Name = "DeviceObserverUidAsText";

    public static string? Read(SrItem? root, ExtractionContext context)
    {
        if (root?.Descendant(DoseCodes.DeviceObserverUid) is not { } item) return null;
        if (item.UidValue is { Length: > 0 } uid) return uid;
        if (item.Text is not { } text) return null;
        context.Applied(Name);
        context.Warn("Device Observer UID (121012)", $"sent as {item.Content.ValueTypeText} instead of UIDREF; read from its text");
        return text;
    }
}
