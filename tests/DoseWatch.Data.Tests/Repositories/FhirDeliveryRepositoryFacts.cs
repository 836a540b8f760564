using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

/// <summary>The FHIR push's delivery records (migrations/0040) on both engines.</summary>
public abstract class FhirDeliveryRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private const string Server = "https://fhir.example.org/fhir";
    private readonly StepClock _clock = new(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(2);

    private FhirDeliveryRepository Deliveries => new(Factory, _clock);

    [Fact]
    public async Task One_delivery_per_study_and_server_requested_again_with_a_new_generation()
    {
        var id = await Deliveries.RequestAsync("1.2.3", Server, _clock.Now);
        Assert.Equal(id, await Deliveries.RequestAsync("1.2.3", Server, _clock.Now));
        var other = await Deliveries.RequestAsync("1.2.3", "https://other.example.org/fhir", _clock.Now);
        Assert.NotEqual(id, other);
        var delivery = (await Deliveries.GetAsync(id))!;
        Assert.Equal((DeliveryStatuses.Pending, 2L, 0), (delivery.Status, delivery.Generation, delivery.Attempts));
        Assert.Equal(2, (await Deliveries.OfStudyAsync("1.2.3")).Count);
        Assert.Equal($"dosewatch-fhir-{id}-2", delivery.IdempotencyKey);
        Assert.Equal(Server, FhirDeliveryRepository.Target(Server + "/ "));
    }

    [Fact]
    public async Task A_delivery_is_claimed_by_one_push_only_while_due_and_not_held()
    {
        var later = await Deliveries.RequestAsync("1.2.4", Server, _clock.Now.AddSeconds(5));
        Assert.Null(await Deliveries.ClaimAsync(later, Hold));
        Assert.Empty(await Deliveries.DueAsync(Server, 10));
        _clock.Now = _clock.Now.AddSeconds(5);
        Assert.Equal([later], await Deliveries.DueAsync(Server, 10));
        Assert.NotNull(await Deliveries.ClaimAsync(later, Hold));
        Assert.Null(await Deliveries.ClaimAsync(later, Hold));
        Assert.Empty(await Deliveries.DueAsync(Server, 10));
        // A push that died holding it: taken over once the hold has passed.
        _clock.Now += Hold + TimeSpan.FromSeconds(1);
        Assert.NotNull(await Deliveries.ClaimAsync(later, Hold));
    }

    [Fact]
    public async Task Sent_only_if_the_study_did_not_change_during_the_push()
    {
        var id = await Deliveries.RequestAsync("1.2.5", Server, _clock.Now);
        var pushed = (await Deliveries.ClaimAsync(id, Hold))!;
        await Deliveries.RequestAsync("1.2.5", Server, _clock.Now); // another dose object saved meanwhile
        Assert.False(await Deliveries.MarkSentAsync(id, pushed.Generation, 200, "Observation/7/_history/1"));
        var again = (await Deliveries.GetAsync(id))!;
        Assert.Equal((DeliveryStatuses.Pending, "Observation/7/_history/1"), (again.Status, again.ResourceLocation));

        var second = (await Deliveries.ClaimAsync(id, Hold))!;
        Assert.True(await Deliveries.MarkSentAsync(id, second.Generation, 200, null));
        var sent = (await Deliveries.GetAsync(id))!;
        Assert.Equal((DeliveryStatuses.Sent, 1, 200, "Observation/7/_history/1"), (sent.Status, sent.Attempts, sent.AcceptedStatus, sent.ResourceLocation));
        Assert.Equal(_clock.Now, sent.SentAt);
        Assert.Null(await Deliveries.ClaimAsync(id, Hold));
    }

    [Fact]
    public async Task Failures_are_retried_then_failed_listed_by_status_and_requested_again()
    {
        var id = await Deliveries.RequestAsync("1.2.6", Server, _clock.Now);
        await Deliveries.RequestAsync("1.2.7", Server, _clock.Now);
        var first = (await Deliveries.ClaimAsync(id, Hold))!;
        await Deliveries.MarkAttemptFailedAsync(id, first.Generation, "HttpRequestException: answered 503", _clock.Now.AddSeconds(30));
        var waiting = (await Deliveries.GetAsync(id))!;
        Assert.Equal((DeliveryStatuses.Pending, 1, _clock.Now.AddSeconds(30)), (waiting.Status, waiting.Attempts, waiting.NextAttemptAt));
        Assert.Null(await Deliveries.ClaimAsync(id, Hold));

        _clock.Now = _clock.Now.AddSeconds(30);
        var second = (await Deliveries.ClaimAsync(id, Hold))!;
        await Deliveries.MarkAttemptFailedAsync(id, second.Generation, "HttpRequestException: answered 503", null);
        var failed = (await Deliveries.GetAsync(id))!;
        Assert.Equal((DeliveryStatuses.Failed, 2, "HttpRequestException: answered 503"), (failed.Status, failed.Attempts, failed.LastError));
        Assert.Null(await Deliveries.ClaimAsync(id, Hold));

        var (items, total) = await Deliveries.ListAsync(DeliveryStatuses.Failed, 0, 10);
        Assert.Equal(1, total);
        Assert.Equal("1.2.6", Assert.Single(items).StudyInstanceUid);
        Assert.Equal(2, (await Deliveries.ListAsync(null, 0, 10)).Total);

        // An administrator's retry: pending again with fresh attempts.
        await Deliveries.RequestAsync("1.2.6", Server, _clock.Now);
        var retried = (await Deliveries.ClaimAsync(id, Hold))!;
        Assert.Equal((DeliveryStatuses.Pending, 0), (retried.Status, retried.Attempts));
    }

    [Fact]
    public async Task A_study_with_nothing_to_push_loses_its_delivery_unless_it_changed_meanwhile()
    {
        var id = await Deliveries.RequestAsync("1.2.8", Server, _clock.Now);
        var claimed = (await Deliveries.ClaimAsync(id, Hold))!;
        await Deliveries.RequestAsync("1.2.8", Server, _clock.Now);
        await Deliveries.RemoveAsync(id, claimed.Generation);
        Assert.NotNull(await Deliveries.ClaimAsync(id, Hold));
        await Deliveries.RemoveAsync(id, claimed.Generation + 1);
        Assert.Null(await Deliveries.GetAsync(id));
    }
}

public sealed class SqliteFhirDeliveryRepositoryFacts() : FhirDeliveryRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlFhirDeliveryRepositoryFacts(PostgresServerFixture postgres)
    : FhirDeliveryRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
