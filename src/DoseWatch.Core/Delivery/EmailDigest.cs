namespace DoseWatch.Core.Delivery;

/// <summary>
/// Flood control for e-mail: a subscriber gets at most <see cref="MaxAlerts"/> alerts in any <see cref="Window"/> as
/// one mail each; beyond that, further alerts are held and go out together as one digest.
/// </summary>
public sealed record DigestSettings(int MaxAlerts, TimeSpan Window)
{
    public static readonly DigestSettings Default = new(5, TimeSpan.FromMinutes(10));
}

/// <summary>
/// An e-mail delivery waiting to be sent to one address. <paramref name="DueAt"/> is its next attempt (later than its
/// creation after a failure, or while a subscription's own digest window holds it: <paramref name="HeldBySubscription"/>).
/// </summary>
public sealed record PendingMail(long DeliveryId, long AlertId, DateTimeOffset CreatedAt, DateTimeOffset DueAt, bool HeldBySubscription = false);

/// <summary>One message to send: a single alert, or a digest of several.</summary>
public sealed record MailBatch(IReadOnlyList<PendingMail> Deliveries)
{
    public bool IsDigest => Deliveries.Count > 1;
}

/// <param name="Send">Messages to send now.</param>
/// <param name="HeldUntil">When held alerts become a digest (null when nothing is held by flood control).</param>
public sealed record DigestPlan(IReadOnlyList<MailBatch> Send, DateTimeOffset? HeldUntil)
{
    public static readonly DigestPlan Nothing = new([], null);
}

public static class EmailDigest
{
    /// <summary>
    /// What to send now to one address.
    /// <list type="bullet">
    /// <item>Nothing unless at least one pending delivery is due (a failed attempt's backoff is respected).</item>
    /// <item>Flood: when the alerts already sent to the address in (now − window, now] plus the pending ones are more
    /// than <see cref="DigestSettings.MaxAlerts"/>, the pending ones are held until the oldest of them has waited one
    /// window, then all go as one digest. Right after a quiet window (nothing sent in it) a burst that is already over
    /// the limit goes out at once as one digest: there is nothing more to wait for. Pending deliveries whose oldest has
    /// waited a whole window go as one digest even when the sent ones have left the window meanwhile.</item>
    /// <item>Otherwise each due delivery is its own message, except that a subscription with its own digest window
    /// asked for digests: when one of its held deliveries is due, every pending delivery to the address goes with it.</item>
    /// </list>
    /// </summary>
    public static DigestPlan Plan(IReadOnlyList<PendingMail> pending, int alertsSentInWindow, DateTimeOffset now, DigestSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxAlerts, 1);
        var due = pending.Where(p => p.DueAt <= now).OrderBy(p => p.DeliveryId).ToList();
        if (due.Count == 0) return DigestPlan.Nothing;
        var all = pending.OrderBy(p => p.DeliveryId).ToList();
        var digestAt = pending.Min(p => p.CreatedAt) + settings.Window;
        if (alertsSentInWindow + pending.Count > settings.MaxAlerts)
            return alertsSentInWindow == 0 || now >= digestAt ? new DigestPlan([new MailBatch(all)], null) : new DigestPlan([], digestAt);
        // Held a whole window (by flood control, or retried that long): the window has moved on, they still go together.
        if (now >= digestAt || due.Any(d => d.HeldBySubscription)) return new DigestPlan([new MailBatch(all)], null);
        return new DigestPlan(due.Select(d => new MailBatch([d])).ToList(), null);
    }
}
