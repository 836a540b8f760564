using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;

namespace DoseWatch.Core.Extraction.CtRdsr;

/// <summary>TID 10015 CT Dose Check Details: the alert (113900) and notification (113908) containers inside an event.</summary>
internal static class CtDoseCheckReader
{
    public static CtDoseCheck? Read(SrItem acquisition, string where, ExtractionContext context)
    {
        var alert = acquisition.Descendant(DoseCodes.DoseCheckAlertDetails);
        var notification = acquisition.Descendant(DoseCodes.DoseCheckNotificationDetails);
        if (alert is null && notification is null) return null;
        return new CtDoseCheck(
            alert is null ? null : new CtDoseCheckAlert(
                YesNo(alert.Child(DoseCodes.DlpAlertValueConfigured)),
                YesNo(alert.Child(DoseCodes.CtdiVolAlertValueConfigured)),
                context.Num(alert.Child(DoseCodes.DlpAlertValue), CanonicalUnits.MilliGrayCentimetre, $"{where} › DLP Alert Value"),
                context.Num(alert.Child(DoseCodes.CtdiVolAlertValue), CanonicalUnits.MilliGray, $"{where} › CTDIvol Alert Value"),
                context.Num(alert.Child(DoseCodes.AccumulatedDlpForwardEstimate), CanonicalUnits.MilliGrayCentimetre, $"{where} › Accumulated DLP Forward Estimate"),
                context.Num(alert.Child(DoseCodes.AccumulatedCtdiVolForwardEstimate), CanonicalUnits.MilliGray, $"{where} › Accumulated CTDIvol Forward Estimate"),
                alert.Descendant(DoseCodes.ReasonForProceeding)?.Text,
                alert.Descendant(DoseCodes.PersonName)?.PersonNameValue),
            notification is null ? null : new CtDoseCheckNotification(
                YesNo(notification.Child(DoseCodes.DlpNotificationValueConfigured)),
                YesNo(notification.Child(DoseCodes.CtdiVolNotificationValueConfigured)),
                context.Num(notification.Child(DoseCodes.DlpNotificationValue), CanonicalUnits.MilliGrayCentimetre, $"{where} › DLP Notification Value"),
                context.Num(notification.Child(DoseCodes.CtdiVolNotificationValue), CanonicalUnits.MilliGray, $"{where} › CTDIvol Notification Value"),
                context.Num(notification.Child(DoseCodes.DlpForwardEstimate), CanonicalUnits.MilliGrayCentimetre, $"{where} › DLP Forward Estimate"),
                context.Num(notification.Child(DoseCodes.CtdiVolForwardEstimate), CanonicalUnits.MilliGray, $"{where} › CTDIvol Forward Estimate"),
                notification.Descendant(DoseCodes.ReasonForProceeding)?.Text,
                notification.Descendant(DoseCodes.PersonName)?.PersonNameValue));
    }

    private static bool? YesNo(SrItem? item) => item?.CodeValueItem switch
    {
        { } c when DoseCodes.Same(c, DoseCodes.Yes) => true,
        { } c when DoseCodes.Same(c, DoseCodes.No) => false,
        _ => null,
    };
}
