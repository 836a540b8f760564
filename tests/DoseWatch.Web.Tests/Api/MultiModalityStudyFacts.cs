using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// Issue #16 item 8: a PET/CT under one Study Instance UID (the Siemens Biograph's CT RDSR, its RRDSR and a PET image)
/// keeps each part with its own modality, accession and device, and the study shows every modality. Expected values
/// are pydicom's reading of each file at test time.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class MultiModalityStudyFacts(DoseApp shared)
{
    private static readonly string[] Parts = ["openrem/NM-PetIm-Siemens.dcm", "openrem/NM-CT-RDSR-Siemens.dcm", "openrem/NM-RRDSR-Siemens.dcm"];

    // The object as pydicom reads it; an SR's modality is the part of the study its dose report describes
    // (template 10011: CT; root 113500, Radiopharmaceutical Radiation Dose Report: NM).
    private const string ReadPart = """
        import json, sys, pydicom
        ds = pydicom.dcmread(json.load(sys.stdin)["file"], stop_before_pixels=True)
        modality = ds.Modality
        if modality == "SR":
            root = ds.ConceptNameCodeSequence[0].CodeValue
            template = ds.ContentTemplateSequence[0].TemplateIdentifier if "ContentTemplateSequence" in ds else None
            modality = "NM" if root == "113500" else "CT" if template == "10011" else None
        print(json.dumps({"sop": ds.SOPInstanceUID, "study": ds.StudyInstanceUID, "modality": modality,
                          "accession": ds.get("AccessionNumber"), "model": ds.get("ManufacturerModelName")}))
        """;

    [SamplesFact]
    public async Task Each_part_keeps_its_modality_accession_and_device_and_the_study_lists_every_modality()
    {
        var repository = new DoseRecordRepository(shared.App.Services.GetRequiredService<IDbConnectionFactory>());
        foreach (var part in Parts) await repository.SaveAsync(DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(part))));
        var expected = Parts.Select(p => IndependentPython.Run(new { file = SharedSamples.Path_(p) }, "-c", ReadPart)).ToList();
        var study = expected[0]["study"]!.GetValue<string>();
        Assert.All(expected, e => Assert.Equal(study, e["study"]!.GetValue<string>()));
        using var client = shared.App.CreateHttpClient();

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{study}");

        var modalities = json.GetProperty("modalities").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(expected.Select(e => e["modality"]!.GetValue<string>()).Order(), modalities.Order());
        var objects = json.GetProperty("sourceObjects").EnumerateArray().ToList();
        foreach (var e in expected)
        {
            var o = Assert.Single(objects, x => x.GetProperty("sopInstanceUid").GetString() == e["sop"]!.GetValue<string>());
            Assert.Equal(e["modality"]!.GetValue<string>(), o.GetProperty("modality").GetString());
            Assert.Equal(e["accession"]?.GetValue<string>(), o.GetProperty("accessionNumber").GetString());
            Assert.Equal(e["model"]?.GetValue<string>(), o.GetProperty("model").GetString());
        }
        // The parts really differ (the RRDSR has its own accession and model name): each kept its own, not the first's.
        Assert.True(expected.Select(e => e["accession"]?.GetValue<string>()).Distinct().Count() > 1);
        // CT events and the RRDSR's administration side by side; the PET image's administration is the RRDSR's.
        var sources = json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("source").GetString()).Distinct().Order().ToList();
        Assert.Equal(["CtRdsr", "RadiopharmaceuticalRdsr"], sources);
    }
}
