namespace DoseWatch.Web.Alerts;

/// <summary>
/// In-process notice that alerts were raised or changed, for the live inbox (Blazor components subscribe; each circuit
/// reloads its list). Subscribers must not block: the analysis job raises it.
/// </summary>
public sealed class AlertFeed
{
    public event Action<IReadOnlyList<long>>? Changed;

    public void Publish(IReadOnlyList<long> alertIds)
    {
        if (alertIds.Count > 0) Changed?.Invoke(alertIds);
    }
}
