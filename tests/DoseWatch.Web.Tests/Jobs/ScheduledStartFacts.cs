using DoseWatch.Web.Jobs;

namespace DoseWatch.Web.Tests.Jobs;

public sealed class ScheduledStartFacts
{
    private static readonly DateTimeOffset Due = new(2026, 12, 7, 9, 0, 30, 700, TimeSpan.Zero);

    [Theory]
    [InlineData(700, 2)]   // started at the whole second the schedule kept: back one second after the row is due
    [InlineData(1, 2)]
    [InlineData(1999, 3)]
    public void A_job_started_within_the_schedules_rounding_is_put_back_past_the_due_time(int earlyMilliseconds, int expectedSeconds)
    {
        var now = Due - TimeSpan.FromMilliseconds(earlyMilliseconds);
        var wait = ScheduledStart.PutBack(Due, now);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), wait);
        Assert.True(now + wait > Due);
    }

    [Theory]
    [InlineData(0)]        // due now: the claim failed because someone else holds it
    [InlineData(-5000)]    // overdue likewise
    [InlineData(2001)]     // put off on purpose (a newer request or a backoff): the newer job waits for it
    [InlineData(600000)]
    public void A_job_for_a_row_that_is_due_or_put_off_on_purpose_is_not_put_back(int earlyMilliseconds) =>
        Assert.Null(ScheduledStart.PutBack(Due, Due - TimeSpan.FromMilliseconds(earlyMilliseconds)));
}
