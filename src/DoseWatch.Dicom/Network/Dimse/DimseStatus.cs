namespace DoseWatch.Dicom.Network.Dimse;

public enum StatusCategory { Success, Warning, Pending, Cancel, Failure }

/// <summary>A DIMSE status (0000,0900), classified per PS3.7 Annex C.</summary>
public readonly record struct DimseStatus(ushort Code)
{
    public static readonly DimseStatus Success = new(0x0000);
    public static readonly DimseStatus WarningCoercion = new(0xB000);
    public static readonly DimseStatus WarningDataSetDoesNotMatchSopClass = new(0xB007);
    public static readonly DimseStatus RefusedOutOfResources = new(0xA700);
    public static readonly DimseStatus ErrorDataSetDoesNotMatchSopClass = new(0xA900);
    public static readonly DimseStatus ErrorCannotUnderstand = new(0xC000);
    public static readonly DimseStatus ProcessingFailure = new(0x0110);
    /// <summary>PS3.7 C.4.1: the SOP Instance UID is already registered (here: by a different object).</summary>
    public static readonly DimseStatus DuplicateSopInstance = new(0x0111);
    public static readonly DimseStatus SopClassNotSupported = new(0x0122);
    public static readonly DimseStatus NotAuthorized = new(0x0124);
    public static readonly DimseStatus UnrecognizedOperation = new(0x0211);
    public static readonly DimseStatus Pending = new(0xFF00);
    public static readonly DimseStatus Cancel = new(0xFE00);

    public StatusCategory Category => Code switch
    {
        0x0000 => StatusCategory.Success,
        0xFF00 or 0xFF01 => StatusCategory.Pending,
        0xFE00 => StatusCategory.Cancel,
        0x0107 or 0x0116 or (>= 0xB000 and <= 0xBFFF) => StatusCategory.Warning,
        _ => StatusCategory.Failure,
    };

    public bool IsSuccess => Category == StatusCategory.Success;

    public override string ToString() => $"0x{Code:X4} ({Category})";
}
