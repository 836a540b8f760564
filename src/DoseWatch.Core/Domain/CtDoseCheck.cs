namespace DoseWatch.Core.Domain;

/// <summary>TID 10015 CT Dose Check Details of one CT event: the alert part (113900) and/or the notification part (113908).</summary>
public sealed record CtDoseCheck(CtDoseCheckAlert? Alert, CtDoseCheckNotification? Notification);

public sealed record CtDoseCheckAlert(
    bool? DlpAlertValueConfigured,
    bool? CtdiVolAlertValueConfigured,
    double? DlpAlertValueMGyCm,
    double? CtdiVolAlertValueMGy,
    double? AccumulatedDlpForwardEstimateMGyCm,
    double? AccumulatedCtdiVolForwardEstimateMGy,
    string? ReasonForProceeding,
    string? AuthorizedBy);

public sealed record CtDoseCheckNotification(
    bool? DlpNotificationValueConfigured,
    bool? CtdiVolNotificationValueConfigured,
    double? DlpNotificationValueMGyCm,
    double? CtdiVolNotificationValueMGy,
    double? DlpForwardEstimateMGyCm,
    double? CtdiVolForwardEstimateMGy,
    string? ReasonForProceeding,
    string? AuthorizedBy);
