using System.Security.Claims;
using DoseWatch.Core.Access;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using DoseWatch.Web.Api;
using DoseWatch.Web.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Tests.Privacy;

/// <summary>
/// The studies endpoints called with a principal of each role (before sign-in exists, the principal is built here; the
/// HTTP matrix comes with the auth work): identity for Physicist and QA with one audit entry per request, the pseudonym
/// for everyone else with none.
/// </summary>
public sealed class PatientDisclosureFacts : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-disclosure-");
    private IDbConnectionFactory _connections = null!;
    private AuditLog _audit = null!;
    private PatientIdentityDisclosure _disclosure = null!;
    private readonly PatientPseudonym _pseudonyms = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly PatientIdentityCipher _identities = new(new EncryptionKeyRing([EncryptionKey.From(1, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))]));
    private readonly List<(string Uid, PatientIdentity Patient)> _studies = [];

    public async Task InitializeAsync()
    {
        _connections = await SelectedDatabase.NewMigratedAsync(_directory.FullName);
        _audit = new AuditLog(_connections, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _disclosure = new PatientIdentityDisclosure(_connections, _audit, _identities, Microsoft.Extensions.Logging.Abstractions.NullLogger<PatientIdentityDisclosure>.Instance);
        if (!SharedSamples.Available) return;
        var repository = new DoseRecordRepository(_connections);
        var n = 0;
        foreach (var sample in new[] { "openrem/CT-RDSR-Siemens-Multi-1.dcm", "openrem/DX-RDSR-Canon_CXDI.dcm" })
        {
            var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));
            var patient = new PatientIdentity($"Name^{++n}", $"ID{n}", "HOSP", $"19{60 + n}-01-02", _pseudonyms.For("HOSP", $"ID{n}"));
            await repository.SaveAsync(result, null, _identities.Seal(result.Study!.StudyInstanceUid, patient));
            _studies.Add((result.Study!.StudyInstanceUid, patient));
        }
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private static ClaimsPrincipal As(string? role) => role is null
        ? new ClaimsPrincipal(new ClaimsIdentity())
        : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"user-{role}"), new Claim(ClaimTypes.Role, role)], "test"));

    private async Task<IReadOnlyList<AuditEntryView>> ViewsAsync() =>
        (await _audit.QueryAsync(new AuditQuery(Action: PatientIdentityDisclosure.ViewAction, PageSize: 100))).Items.Select(e => new AuditEntryView(e.Actor, e.Target, e.Detail)).ToList();

    private sealed record AuditEntryView(string Actor, string? Target, string? Detail);

    public static TheoryData<string> IdentityRoles => new(Roles.SeePatientIdentity);

    public static TheoryData<string?> PseudonymRoles => new(Roles.All.Where(r => !Roles.SeePatientIdentity.Contains(r)).Append(null));

    [SamplesTheory]
    [MemberData(nameof(IdentityRoles))]
    public async Task Roles_that_see_identity_get_name_id_and_birth_date_and_each_request_is_audited_once(string role)
    {
        var list = (Ok<StudyListResponse>)(await StudiesApi.ListStudies(_connections, _disclosure, _pseudonyms, As(role), new StudyFilter(), default)).Result;
        var detail = (Ok<StudyDetailResponse>)(await StudiesApi.GetStudy(_connections, _disclosure, As(role), _studies[0].Uid, default)).Result;

        foreach (var (uid, patient) in _studies)
        {
            var shown = list.Value!.Items.Single(s => s.StudyInstanceUid == uid).Patient!;
            Assert.Equal((patient.Name, patient.Id, patient.IssuerOfId, patient.BirthDate, patient.Pseudonym), (shown.Name, shown.Id, shown.IssuerOfId, shown.BirthDate, shown.Pseudonym));
        }
        Assert.Equal(_studies[0].Patient.Name, detail.Value!.Patient!.Name);
        var views = await ViewsAsync();
        Assert.Equal(2, views.Count); // one per request, not one per study
        Assert.All(views, v => Assert.Equal($"user-{role}", v.Actor));
        Assert.Contains(views, v => v.Target == "GET /api/v1/studies" && _studies.All(s => v.Detail!.Contains(s.Uid)));
        Assert.Contains(views, v => v.Target == $"GET /api/v1/studies/{_studies[0].Uid}");
        Assert.True((await _audit.VerifyAsync()).IsValid);
    }

    [SamplesTheory]
    [MemberData(nameof(PseudonymRoles))]
    public async Task Everyone_else_gets_the_pseudonym_only_and_nothing_is_audited(string? role)
    {
        var list = (Ok<StudyListResponse>)(await StudiesApi.ListStudies(_connections, _disclosure, _pseudonyms, As(role), new StudyFilter(), default)).Result;
        var detail = (Ok<StudyDetailResponse>)(await StudiesApi.GetStudy(_connections, _disclosure, As(role), _studies[1].Uid, default)).Result;

        foreach (var (uid, patient) in _studies)
            Assert.Equal(new PatientResponse(patient.Pseudonym, null, null, null, null), list.Value!.Items.Single(s => s.StudyInstanceUid == uid).Patient);
        Assert.Equal(new PatientResponse(_studies[1].Patient.Pseudonym, null, null, null, null), detail.Value!.Patient);
        var json = System.Text.Json.JsonSerializer.Serialize(list.Value);
        Assert.DoesNotContain("Name^", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"birthDate\"", json, StringComparison.Ordinal);
        Assert.Empty(await ViewsAsync());
    }

    [SamplesFact]
    public async Task A_search_by_patient_id_finds_that_patients_studies_through_the_pseudonym_for_identity_roles_only()
    {
        var found = (Ok<StudyListResponse>)(await StudiesApi.ListStudies(_connections, _disclosure, _pseudonyms, As(Roles.Physicist),
            new StudyFilter { PatientId = " ID2 ", IssuerOfPatientId = "HOSP" }, default)).Result;
        Assert.Equal(_studies[1].Uid, Assert.Single(found.Value!.Items).StudyInstanceUid);
        Assert.Equal("ID2", found.Value.Items[0].Patient!.Id);

        var otherIssuer = (Ok<StudyListResponse>)(await StudiesApi.ListStudies(_connections, _disclosure, _pseudonyms, As(Roles.Physicist),
            new StudyFilter { PatientId = "ID2", IssuerOfPatientId = "ELSEWHERE" }, default)).Result;
        Assert.Empty(otherIssuer.Value!.Items);

        var viewer = (await StudiesApi.ListStudies(_connections, _disclosure, _pseudonyms, As(Roles.Viewer), new StudyFilter { PatientId = "ID2" }, default)).Result;
        Assert.IsType<ForbidHttpResult>(viewer);
    }
}
