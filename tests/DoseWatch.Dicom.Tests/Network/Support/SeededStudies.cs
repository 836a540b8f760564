namespace DoseWatch.Tests.Network;

/// <summary>One study made for a Query/Retrieve test: its UID and date as written by dcmodify, and its files.</summary>
public sealed record SeededStudy(string StudyInstanceUid, DateOnly StudyDate, string AccessionNumber, IReadOnlyList<string> Files);

/// <summary>
/// Studies spread over dates for a PACS to serve, made from real samples with DCMTK dcmodify: each file copied, given
/// the study's UID, date, accession number and patient ID, a new series UID per source file and a new SOP Instance UID, so that
/// the same sample can appear in several studies.
/// </summary>
public static class SeededStudies
{
    public static async Task<SeededStudy> MakeAsync(TempDirectory temp, DateOnly date, string accession, params string[] samples)
    {
        var studyUid = NewUid();
        var files = new List<string>();
        foreach (var sample in samples)
        {
            var copy = temp.File($"{accession}-{files.Count}.dcm");
            File.Copy(sample, copy);
            var r = await PeerProcess.RunAsync("dcmodify", ["-nb", "-gin",
                "-m", $"StudyInstanceUID={studyUid}", "-m", $"SeriesInstanceUID={NewUid()}",
                "-m", $"StudyDate={date:yyyyMMdd}", "-m", $"AccessionNumber={accession}",
                // One patient per study: archives key a study under its patient, and the samples come from different ones.
                "-m", $"PatientID=PAT-{accession}", copy]);
            if (r.ExitCode != 0) throw new InvalidOperationException($"dcmodify failed: {r.All}");
            files.Add(copy);
        }
        return new SeededStudy(studyUid, date, accession, files);
    }

    /// <summary>A UID under the 2.25 root (PS3.5 B.2): a random 128-bit integer.</summary>
    public static string NewUid() => "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);
}
