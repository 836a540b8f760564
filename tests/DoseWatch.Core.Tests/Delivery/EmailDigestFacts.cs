using DoseWatch.Core.Delivery;

namespace DoseWatch.Core.Tests.Delivery;

/// <summary>E-mail flood control: at most N alerts in M minutes as single mails, the rest as one digest.</summary>
public sealed class EmailDigestFacts
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DigestSettings ThreeInTen = new(3, TimeSpan.FromMinutes(10));

    private static PendingMail Mail(long id, double createdMinutes, double? dueMinutes = null, bool held = false) =>
        new(id, 100 + id, T0.AddMinutes(createdMinutes), T0.AddMinutes(dueMinutes ?? createdMinutes), held);

    private static IEnumerable<long[]> Batches(DigestPlan plan) => plan.Send.Select(b => b.Deliveries.Select(d => d.DeliveryId).ToArray());

    [Fact]
    public void Under_the_limit_each_alert_is_its_own_mail()
    {
        // 1 sent in the window + 2 pending = 3, not more than 3: two single mails.
        var plan = EmailDigest.Plan([Mail(1, 0), Mail(2, 1)], alertsSentInWindow: 1, T0.AddMinutes(1), ThreeInTen);
        Assert.Equal([[1L], [2L]], Batches(plan));
        Assert.False(plan.Send[0].IsDigest);
    }

    [Fact]
    public void Over_the_limit_the_pending_alerts_are_held_one_window_after_the_oldest_then_sent_as_one_digest()
    {
        // 3 sent in the window + 1 pending = 4 > 3: hold until 2 + 10 = minute 12 (the oldest pending was raised at minute 2).
        var held = EmailDigest.Plan([Mail(4, 2)], alertsSentInWindow: 3, T0.AddMinutes(2), ThreeInTen);
        Assert.Equal((0, (DateTimeOffset?)T0.AddMinutes(12)), (held.Send.Count, held.HeldUntil));
        // Minute 11.99: still held, though two more arrived meanwhile.
        Assert.Empty(EmailDigest.Plan([Mail(4, 2), Mail(5, 5), Mail(6, 9)], 3, T0.AddMinutes(11.99), ThreeInTen).Send);
        // Minute 12: the three single mails of minutes 0-1 have left the window (0 sent in it) and 0 + 3 pending is not
        // over 3, but the oldest pending has waited its window: one digest with all three, not three single mails.
        var digest = EmailDigest.Plan([Mail(4, 2), Mail(5, 5), Mail(6, 9)], alertsSentInWindow: 0, T0.AddMinutes(12), ThreeInTen);
        Assert.Equal([[4L, 5L, 6L]], Batches(digest));
        Assert.True(digest.Send[0].IsDigest);
    }

    [Fact]
    public void A_burst_over_the_limit_after_a_quiet_window_is_one_digest_at_once()
    {
        // Nothing sent in the window, 5 pending > 3: nothing more to wait for.
        var plan = EmailDigest.Plan([Mail(1, 0), Mail(2, 0), Mail(3, 0), Mail(4, 0), Mail(5, 0)], alertsSentInWindow: 0, T0, ThreeInTen);
        Assert.Equal([[1L, 2L, 3L, 4L, 5L]], Batches(plan));
    }

    [Fact]
    public void Nothing_is_sent_before_a_delivery_is_due_so_retry_backoff_holds_digests_too()
    {
        // A failed digest of 5 was rescheduled to minute 13: at minute 12 nothing goes, though the flood window is over.
        PendingMail[] retried = [Mail(1, 0, 13), Mail(2, 0, 13), Mail(3, 0, 13), Mail(4, 0, 13), Mail(5, 0, 13)];
        Assert.Same(DigestPlan.Nothing, EmailDigest.Plan(retried, 0, T0.AddMinutes(12), ThreeInTen));
        Assert.Single(EmailDigest.Plan(retried, 0, T0.AddMinutes(13), ThreeInTen).Send);
    }

    [Fact]
    public void A_subscription_with_its_own_digest_window_gets_every_pending_alert_in_one_mail_when_one_is_due()
    {
        // Under the flood limit (0 + 2 ≤ 3), but the subscription holds for digests: at minute 10 the first is due and takes the second along.
        var plan = EmailDigest.Plan([Mail(1, 0, 10, held: true), Mail(2, 5, 15, held: true)], 0, T0.AddMinutes(10), ThreeInTen);
        Assert.Equal([[1L, 2L]], Batches(plan));
        Assert.Empty(EmailDigest.Plan([Mail(1, 0, 10, held: true)], 0, T0.AddMinutes(9), ThreeInTen).Send);
    }
}
