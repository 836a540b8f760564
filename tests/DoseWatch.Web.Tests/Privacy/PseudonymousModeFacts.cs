using System.Globalization;
using Dapper;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Privacy;

/// <summary>
/// A real object through storescu → Store SCP → extraction job with <c>DoseWatch:Privacy:Mode = Pseudonymous</c>: the
/// study row holds no name, ID or birth date, and its pseudonym is the HMAC under the key generated into the data directory.
/// </summary>
public sealed class PseudonymousModeFacts : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-pseudonymous-");
    private readonly int _port = DoseWatchApp.FreeTcpPort();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = "PSEUDO",
        ["Dicom:Port"] = _port.ToString(CultureInfo.InvariantCulture),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        ["DoseWatch:Privacy:Mode"] = "Pseudonymous",
    });

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [SamplesFact]
    public async Task A_received_study_is_stored_with_the_pseudonym_only()
    {
        var file = Path.Combine(_directory.FullName, "rdsr.dcm");
        File.Copy(SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm"), file);
        var (id, issuer) = ($"P{Random.Shared.Next(100000, 999999)}", "HOSP-PSEUDO");
        await Dcmtk.RunAsync("dcmodify", "-nb", "-i", "(0010,0010)=Secret^Name", "-i", $"(0010,0020)={id}", "-i", $"(0010,0021)={issuer}", "-i", "(0010,0030)=19500101", file);
        var studyUid = await Dcmtk.ReadUidAsync(file, "0020,000d");

        await Dcmtk.RunAsync("storescu", "-aec", "PSEUDO", "127.0.0.1", _port.ToString(CultureInfo.InvariantCulture), file);
        var row = await WaitForStudyAsync(studyUid);
        var key = PseudonymKey.LoadOrCreate(Path.Combine(_app.DataDirectory, PseudonymKey.FileName));

        Assert.Null((string?)row.patient_name);
        Assert.Null((string?)row.patient_id);
        Assert.Null((string?)row.issuer_of_patient_id);
        Assert.Null((string?)row.patient_birth_date);
        Assert.Equal(new PatientPseudonym(key).For(issuer, id), (string)row.patient_pseudonym);
    }

    private async Task<dynamic> WaitForStudyAsync(string studyUid)
    {
        var connections = _app.Services.GetRequiredService<IDbConnectionFactory>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var connection = await connections.OpenAsync())
            {
                var row = await connection.QuerySingleOrDefaultAsync("""
                    SELECT patient_name, patient_id, issuer_of_patient_id, patient_birth_date, patient_pseudonym FROM studies WHERE study_instance_uid = @studyUid
                    """, new { studyUid });
                if (row is not null) return row;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"study {studyUid} not stored 30 s after storescu");
            await Task.Delay(100);
        }
    }
}
