using System.Security.Claims;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Privacy;

/// <summary>
/// The one place that decides what a user sees of a patient: name, ID and birth date for <see cref="Roles.SeePatientIdentity"/>,
/// the pseudonym for everyone else. Every disclosure of identified data appends one <c>patient.view</c> entry to the audit
/// trail per request (not per row), naming the studies shown. API endpoints and pages both go through here.
/// </summary>
public sealed class PatientIdentityDisclosure(IDbConnectionFactory connections, IAuditTrail audit, PatientIdentityCipher identities,
    ILogger<PatientIdentityDisclosure> logger)
{
    public const string ViewAction = "patient.view";

    public static bool MaySeeIdentity(ClaimsPrincipal user) => Roles.SeePatientIdentity.Any(user.IsInRole);

    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    /// <summary>
    /// The patients of <paramref name="studyInstanceUids"/> as <paramref name="user"/> may see them, keyed by study UID.
    /// <paramref name="where"/> names the page or endpoint for the audit entry.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PatientIdentity>> ForStudiesAsync(ClaimsPrincipal user, IReadOnlyCollection<string> studyInstanceUids,
        string where, CancellationToken cancellationToken = default)
    {
        var sealedIdentities = await new DoseRecordRepository(connections).PatientIdentitiesAsync(studyInstanceUids, cancellationToken);
        if (!MaySeeIdentity(user)) return sealedIdentities.ToDictionary(p => p.Key, p => new PatientIdentity(null, null, null, null, p.Value.Pseudonym));
        var stored = sealedIdentities.ToDictionary(p => p.Key, p => Open(p.Key, p.Value));
        var identified = stored.Where(p => p.Value.Name is not null || p.Value.Id is not null || p.Value.BirthDate is not null).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        if (identified.Count > 0)
            await audit.AppendAsync(new AuditEvent(Actor(user), ViewAction, where,
                JsonSerializer.Serialize(new { studies = identified })), cancellationToken);
        return stored;
    }

    /// <summary>Decrypted only here, for a role that may see it; a value that cannot be opened (its key removed from
    /// the ring, or the row tampered with) shows as the pseudonym and is logged, never as someone else's identity.</summary>
    private PatientIdentity Open(string studyInstanceUid, StoredPatientIdentity stored)
    {
        try
        {
            return identities.Open(studyInstanceUid, stored);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            logger.LogWarning("The stored patient identity of study {StudyInstanceUid} cannot be opened: {Problem}", studyInstanceUid, e.Message);
            return new PatientIdentity(null, null, null, null, stored.Pseudonym);
        }
    }
}
