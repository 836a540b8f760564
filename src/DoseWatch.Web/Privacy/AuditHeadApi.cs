using DoseWatch.Core.Audit;
using DoseWatch.Data.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Privacy;

/// <summary>
/// GET /api/v1/audit/head (Administrator): the verified chain's head, signed with the audit key, to be kept outside
/// DoseWatch; <c>dosewatch audit verify --head FILE</c> later proves no row up to it was removed or rewritten. A broken
/// chain gets 409 with the first broken row instead of a head.
/// </summary>
public static class AuditHeadApi
{
    public static IEndpointRouteBuilder MapAuditHeadApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit/head", ExportAsync).WithTags("Audit").WithName("ExportAuditHead")
            .WithSummary("The audit chain's head (rows, last id and hash), signed with the audit key, after verifying the whole chain.")
            .RequireAuthorization(Access.AccessPolicies.Administration);
        return app;
    }

    public static async Task<Results<Ok<SignedAuditHead>, Conflict<AuditVerification>>> ExportAsync(AuditLog audit, CancellationToken cancellationToken)
    {
        var (head, verification) = await audit.ExportHeadAsync(cancellationToken);
        return head is null && !verification.IsValid ? TypedResults.Conflict(verification) : TypedResults.Ok(head!);
    }
}
