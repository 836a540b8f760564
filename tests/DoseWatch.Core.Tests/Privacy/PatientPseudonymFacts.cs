using System.Security.Cryptography;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Privacy;

public sealed class PatientPseudonymFacts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-pseudonym-");

    public void Dispose() => _directory.Delete(recursive: true);

    // The documented canonical input, rebuilt by Python's hmac module (an independent implementation of HMAC-SHA256).
    private const string PythonPseudonym = """
        import hmac, hashlib, sys
        key = bytes.fromhex(sys.argv[1]); issuer = sys.argv[2].strip(' '); pid = sys.argv[3].strip(' ')
        def field(v):
            b = v.encode('utf-8'); return str(len(b)).encode() + b':' + b + b';'
        msg = b'dosewatch-patient-v1' + field(issuer) + field(pid)
        print('PSN-' + hmac.new(key, msg, hashlib.sha256).hexdigest()[:24].upper())
        """;

    [Theory]
    [InlineData("HOSP-A", "12345")]
    [InlineData("", "12345")]
    [InlineData("Ünïcode Hospital", " 007 ")]
    public void The_pseudonym_is_the_documented_hmac_of_issuer_and_patient_id(string issuer, string patientId)
    {
        var key = RandomNumberGenerator.GetBytes(32);

        var ours = new PatientPseudonym(key).For(issuer, patientId);
        var python = ExternalTool.Run("/usr/bin/python3", ["-c", PythonPseudonym, Convert.ToHexString(key), issuer, patientId]).Trim();

        Assert.Equal(python, ours);
    }

    [Fact]
    public void Same_patient_links_other_patients_and_keys_do_not()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var p = new PatientPseudonym(key);

        Assert.Equal(p.For("A", "1"), p.For("A ", "1 "));
        Assert.NotEqual(p.For("A", "1"), p.For("B", "1"));
        // Length prefixes: moving a character between issuer and ID is another patient.
        Assert.NotEqual(p.For("AB", "C"), p.For("A", "BC"));
        Assert.NotEqual(p.For("A", "1"), new PatientPseudonym(RandomNumberGenerator.GetBytes(32)).For("A", "1"));
        Assert.Null(p.For("A", "  "));
        Assert.Null(p.For(null, null));
        Assert.Throws<ArgumentException>(() => new PatientPseudonym(new byte[16]));
    }

    [Fact]
    public void A_generated_key_file_is_private_to_its_owner_and_reused()
    {
        var first = PseudonymKey.Resolve(null, _directory.FullName);
        var again = PseudonymKey.Resolve("", _directory.FullName);
        var path = Path.Combine(_directory.FullName, PseudonymKey.FileName);

        Assert.Equal(first, again);
        Assert.Equal(32, first.Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(Convert.ToBase64String(first), File.ReadAllText(path));
        Assert.Empty(_directory.GetFiles("*.tmp"));
    }

    [Fact]
    public void A_configured_key_wins_and_a_bad_one_is_a_clear_error()
    {
        var configured = RandomNumberGenerator.GetBytes(48);

        Assert.Equal(configured, PseudonymKey.Resolve(Convert.ToBase64String(configured), _directory.FullName));
        Assert.False(File.Exists(Path.Combine(_directory.FullName, PseudonymKey.FileName)));
        Assert.Contains("not base64", Assert.Throws<InvalidOperationException>(() => PseudonymKey.Resolve("not base64!", _directory.FullName)).Message);
        Assert.Contains("at least 32", Assert.Throws<InvalidOperationException>(() => PseudonymKey.Resolve(Convert.ToBase64String(new byte[8]), _directory.FullName)).Message);
    }

    [Fact]
    public void Processes_racing_on_first_start_share_one_key()
    {
        // Many rounds of many racers: a check-then-rename lost this race about once in dozens of CI runs.
        for (var round = 0; round < 25; round++)
        {
            var path = Path.Combine(_directory.FullName, $"race{round}.key");
            var keys = Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(16).Select(_ => PseudonymKey.LoadOrCreate(path)).ToList();
            Assert.All(keys, k => Assert.Equal(keys[0], k));
            Assert.Equal(Convert.ToBase64String(keys[0]), File.ReadAllText(path));
        }
        Assert.Empty(_directory.GetFiles("*.tmp"));
    }

    [SamplesFact]
    public void Identification_reads_the_patient_module_and_pseudonymous_mode_keeps_only_the_pseudonym()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm");
        var file = Path.Combine(_directory.FullName, "patient.dcm");
        File.Copy(sample, file);
        var (name, id, issuer, birth) = ($"Doe^Jane{Random.Shared.Next(1000)}", $"ID{Random.Shared.Next(100000)}", "HOSP-X", "19610203");
        ExternalTool.Run("dcmodify", ["-nb", "-i", $"(0010,0010)={name}", "-i", $"(0010,0020)={id}", "-i", $"(0010,0021)={issuer}", "-i", $"(0010,0030)={birth}", file]);
        // The expected values as pydicom reads them from the modified file.
        var read = ExternalTool.Run("/usr/bin/python3", ["-c", """
            import sys, pydicom
            d = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)
            print('\n'.join([str(d.PatientName), d.PatientID, d.IssuerOfPatientID, d.PatientBirthDate]))
            """, file]).Split('\n');
        var pseudonym = new PatientPseudonym(RandomNumberGenerator.GetBytes(32));
        var dataSet = DicomReader.ReadFile(file, new DicomReadOptions { StopBeforePixelData = true }).DataSet;

        var identified = new PatientIdentification(pseudonym, PrivacyMode.Identified).Read(dataSet);
        var pseudonymous = new PatientIdentification(pseudonym, PrivacyMode.Pseudonymous).Read(dataSet);

        Assert.Equal((read[0], read[1], read[2]), (identified.Name, identified.Id, identified.IssuerOfId));
        Assert.Equal(DateOnly.ParseExact(read[3], "yyyyMMdd").ToString("yyyy-MM-dd"), identified.BirthDate);
        Assert.Equal(pseudonym.For(read[2], read[1]), identified.Pseudonym);
        Assert.Equal(new PatientIdentity(null, null, null, null, identified.Pseudonym), pseudonymous);
    }
}
