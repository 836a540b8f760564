// Firely's model types every element as nullable; presence is what the assertions below check.
#nullable disable warnings
using System.Text.RegularExpressions;
using DoseWatch.Core.Access;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Api;
using DoseWatch.Web.Tests.Privacy;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace DoseWatch.Web.Tests.Fhir;

/// <summary>
/// The IG's TestScripts run against DoseWatch as the Producer grouped with its FHIR server (the IG's scenario 2):
/// TestScript-RDSC-Simulator.xml (what a consumer does against the server) step by step, with the script's own
/// variable expressions, and the Observation search of TestScript-RDS-sharing-verification.xml. Each step's assert is the
/// script's: HTTP 200/201 and a non-empty id for reads, Bundle.total ≥ 1 for searches. Not run: the Practitioner read
/// (DoseWatch produces no Practitioner: dose reports seldom name the irradiation authorizing person) and the sharing
/// script's Patient/Device/ImagingStudy/Practitioner searches (the endpoint reads those, it does not search them).
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class RdsTestScriptFacts(DoseApp dose)
{
    /// <summary>The script's variables, taken from the Observation read as its expressions take them.</summary>
    private sealed record Variables(string RdsResourceId, string PatientId, string DeviceId, string ImagingStudyId, string Date, string Identifier);

    private async Task<(HttpClient Client, Variables Vars)> ObservationReadAsync(string sample)
    {
        var uid = await FhirEndpointFacts.SendAsync(dose, sample);
        var client = dose.App.CreateHttpClient(Roles.Viewer);
        // Observation_read: read ${rdsResourceId}; assert 200/201 and Observation/id not empty.
        var o = await FhirEndpointFacts.GetFhirAsync<Observation>(client, $"/fhir/Observation/{uid}");
        Assert.False(string.IsNullOrEmpty(o.Id));
        // Observation.subject.reference.replaceMatches('.*Patient/','').replaceMatches('/_history.*','') and its siblings.
        static string After(string reference, string pattern) => Regex.Replace(Regex.Replace(reference, pattern, ""), "/_history.*", "");
        return (client, new Variables(uid,
            After(o.Subject.Reference, ".*Patient/"),
            After(o.Device.Reference, ".*Device/"),
            After(o.PartOf[0].Reference, ".*(MedicationAdministration|MedicationDispense|MedicationStatement|Procedure|Immunization|ImagingStudy)/"),
            ((FhirDateTime)o.Effective).Value,
            o.Identifier[0].Value));
    }

    private static async Task SearchFindsAsync(HttpClient client, string parameters)
    {
        var bundle = await FhirEndpointFacts.GetFhirAsync<Bundle>(client, "/fhir/Observation" + parameters);
        Assert.True(bundle.Total >= 1, $"Bundle.total.toInteger() >= 1 for {parameters}");
    }

    [SamplesTheory]
    [InlineData(FhirEndpointFacts.Ct)]
    [InlineData(FhirEndpointFacts.Rf)]
    [InlineData(FhirEndpointFacts.Nm)]
    public async Task RDSC_Simulator_steps_pass(string sample)
    {
        var (client, v) = await ObservationReadAsync(sample);
        using (client)
        {
            // Observation_search_patient, _device, _partof, _identifier, _date.
            await SearchFindsAsync(client, $"?code=73569-6&patient={v.PatientId}");
            await SearchFindsAsync(client, $"?code=73569-6&device={v.DeviceId}");
            await SearchFindsAsync(client, $"?code=73569-6&part-of={v.ImagingStudyId}");
            await SearchFindsAsync(client, $"?code=73569-6&identifier={Uri.EscapeDataString(v.Identifier)}");
            await SearchFindsAsync(client, $"?code=73569-6&date={Uri.EscapeDataString(v.Date)}");
            // Observation_read_patient, _device, _imagingstudy: 200 and a non-empty id.
            Assert.False(string.IsNullOrEmpty((await FhirEndpointFacts.GetFhirAsync<Patient>(client, $"/fhir/Patient/{v.PatientId}")).Id));
            Assert.False(string.IsNullOrEmpty((await FhirEndpointFacts.GetFhirAsync<Device>(client, $"/fhir/Device/{v.DeviceId}")).Id));
            Assert.False(string.IsNullOrEmpty((await FhirEndpointFacts.GetFhirAsync<ImagingStudy>(client, $"/fhir/ImagingStudy/{v.ImagingStudyId}")).Id));
        }
    }

    [SamplesFact]
    public async Task RDS_sharing_verification_search_rds_step_passes()
    {
        var (client, v) = await ObservationReadAsync(FhirEndpointFacts.Rf);
        using (client)
            // search_rds: ?code=73569-6&device=${deviceResourceId}&patient=${patientResourceId}&part-of=${imagingStudyResourceId}
            await SearchFindsAsync(client, $"?code=73569-6&device={v.DeviceId}&patient={v.PatientId}&part-of={v.ImagingStudyId}");
    }
}
