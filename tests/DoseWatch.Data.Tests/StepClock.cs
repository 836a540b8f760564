namespace DoseWatch.Data.Tests;

/// <summary>A clock the test moves by hand, so that stored timestamps and time windows are checked exactly.</summary>
public sealed class StepClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
