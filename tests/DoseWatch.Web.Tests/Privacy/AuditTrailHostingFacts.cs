using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Privacy;

[Collection(nameof(SharedApp))]
public sealed class AuditTrailHostingFacts(SharedApp shared)
{
    [Fact]
    public async Task The_composition_injects_the_hash_chained_audit_log_as_IAuditTrail()
    {
        using var scope = shared.App.Services.CreateScope();
        var trail = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
        var target = Guid.NewGuid().ToString("N");

        await trail.AppendAsync(new AuditEvent("hosting-test", "test.append", target, "from the composition root"));
        var log = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var stored = await log.QueryAsync(new AuditQuery(Actor: "hosting-test"));

        Assert.Contains(stored.Items, e => e.Target == target && e.Action == "test.append");
        Assert.True((await log.VerifyAsync()).IsValid);
    }
}
