using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Audit;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Core.Audit;
using DoseWatch.Core.Privacy;
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

    [Fact]
    public async Task The_chain_is_keyed_with_audit_key_outside_the_database_and_its_signed_head_is_exported_to_administrators()
    {
        using var scope = shared.App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IAuditTrail>().AppendAsync(new AuditEvent("hosting-test", "test.append", "head"));
        var key = KeyFile.LoadOrCreate(Path.Combine(shared.App.DataDirectory, AuditChain.KeyFileName));
        using var administrator = shared.App.CreateHttpClient(Roles.Administrator);

        var head = (await administrator.GetFromJsonAsync<SignedAuditHead>("/api/v1/audit/head", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        var last = (await scope.ServiceProvider.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(PageSize: 1))).Items[0];

        Assert.True(head.IsSignedBy(key));
        Assert.True(head.HeadId <= last.Id); // another test of the shared app may append meanwhile
        Assert.Equal(AuditChain.KeyedHash(key, last), last.Hash); // rows carry the HMAC under the key file's key
        Assert.True((await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyAsync(head)).IsValid);
    }
}
