using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// Real samples saved on chosen study days: each placement is re-filed under new study and SOP instance UIDs (suffix
/// ".i") so that one file can give a device a history.
/// </summary>
internal static class PlacedSamples
{
    /// <summary>Saves the placements; with <paramref name="skipBlank"/>, a placement without a sample is left out (its index, and so the
    /// UIDs of the others, stay as they are).</summary>
    public static async Task<List<ExtractionResult>> SaveAsync(IDbConnectionFactory factory, DateOnly anchor, IReadOnlyList<(string Sample, int DaysBefore)> placements,
        bool skipBlank = false)
    {
        var repository = new DoseRecordRepository(factory);
        var saved = new List<ExtractionResult>();
        for (var i = 0; i < placements.Count; i++)
        {
            if (skipBlank && placements[i].Sample.Length == 0) continue;
            var original = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(placements[i].Sample)));
            var result = original with
            {
                Instance = original.Instance with { SopInstanceUid = $"{original.Instance.SopInstanceUid}.{i}" },
                Study = original.Study! with { StudyInstanceUid = $"{original.Study!.StudyInstanceUid}.{i}", StudyDate = anchor.AddDays(-placements[i].DaysBefore) },
            };
            await repository.SaveAsync(result);
            saved.Add(result);
        }
        return saved;
    }
}
