using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Extraction.ImageHeaders;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>One regression test per vendor quirk, on the sample file that exercises it (../shared/samples/PROVENANCE.md).</summary>
public sealed class VendorFixTests
{
    private static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    private static IEnumerable<string?> UnitsIn(IndependentReading r) =>
        r.Events.Concat(r.Accumulations).SelectMany(items => items).Where(i => i.GetProperty("valueType").GetString() == "NUM").Select(i => i.Num().Unit);

    [SamplesTheory]
    [InlineData("openrem/Dual-RDSR-DX.dcm", "Gym2")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm", "uAs")]
    [InlineData("openrem/CT-ESR-GE_Optima.dcm", "mGycm")]
    [InlineData("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", "mGycm")]
    [InlineData("openrem/RF-RDSR-GE.dcm", "pulse/s")]
    [InlineData("pyskindose/siemens_axiom_artis.dcm", "Gym2")]
    public void Non_ucum_unit_spellings_are_read_by_the_named_fix_and_only_by_it(string sample, string spelling)
    {
        Assert.Contains(spelling, UnitsIn(IndependentReading.Of(SharedSamples.Path_(sample)))); // the quirk is really in the file
        var result = Extract(sample);
        Assert.Contains(NonUcumUnitSpellings.Name, result.AppliedFixes);
        Assert.DoesNotContain(result.Warnings, w => w.Message.Contains($"'{spelling}'"));
    }

    [SamplesFact]
    public void A_num_sent_without_a_measured_value_is_null_never_zero()
    {
        // Canon CXDI sends Dose (RP) and its totals as NUM items with an empty Measured Value Sequence.
        var reading = IndependentReading.Of(SharedSamples.Path_("openrem/DX-RDSR-Canon_CXDI.dcm"));
        Assert.Equal(0, reading.Events[0].First("113738")?.Num().Values.Count);
        Assert.Equal(0, reading.Accumulations[0].First("113725")?.Num().Values.Count);
        var result = Extract("openrem/DX-RDSR-Canon_CXDI.dcm");
        Assert.Null(Assert.Single(result.Events).DoseRpGy);
        Assert.Null(result.Accumulated.DoseRpTotalGy);
        Assert.NotNull(result.Events[0].DapGyCm2);
    }

    [SamplesFact]
    public void A_dose_report_without_template_identifier_is_routed_on_its_content()
    {
        var reading = IndependentReading.Of(SharedSamples.Path_("openrem/RF-RDSR-GE-OECEliteMiniView.dcm"));
        Assert.Null(reading.Text("templateId"));
        var result = Extract("openrem/RF-RDSR-GE-OECEliteMiniView.dcm");
        Assert.Contains(DoseObjectClassifier.MissingTemplateIdentifierFix, result.AppliedFixes);
        Assert.Equal(reading.Events.Count, result.Events.Count);
        Assert.All(result.Events, e => Assert.Equal(DoseSourceKind.ProjectionRdsr, e.Source));
    }

    [SamplesFact]
    public void A_ge_ct_dose_report_sent_as_enhanced_sr_is_read_as_a_ct_rdsr()
    {
        var result = Extract("openrem/CT-ESR-GE_Optima.dcm");
        Assert.Equal(Dcmtk.Value(SharedSamples.Path_("openrem/CT-ESR-GE_Optima.dcm"), "0008,0016"), result.Instance.SopClassUid);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.88.22", result.Instance.SopClassUid);
        Assert.NotEmpty(result.Events);
        Assert.All(result.Events, e => Assert.Equal(DoseSourceKind.CtRdsr, e.Source));
    }

    [SamplesFact]
    public void The_philips_dose_info_secondary_capture_is_extracted_from_its_exposure_dose_sequence()
    {
        var result = Extract("openrem/CT-SC-Philips_Brilliance16P.dcm");
        Assert.Contains(PhilipsCtDoseInfoSecondaryCapture.Name, result.AppliedFixes);
        Assert.Equal(IndependentReading.Of(SharedSamples.Path_("openrem/CT-SC-Philips_Brilliance16P.dcm")).ExposureDoseItems.Count, result.Events.Count);
        Assert.All(result.Events, e => Assert.Equal(DoseSourceKind.CtDoseInfoSecondaryCapture, e.Source));
    }

    [SamplesFact]
    public void The_siemens_radiation_summary_keeps_its_totals_and_its_empty_air_kerma_stays_null()
    {
        var result = Extract("openrem/RF-ESR-Siemens-Varic.dcm");
        Assert.Contains(SiemensRadiationSummaryReport.Name, result.AppliedFixes);
        Assert.Empty(result.Events);
        Assert.NotNull(result.Accumulated.DapTotalGyCm2);
        Assert.Equal(0, IndependentReading.Of(SharedSamples.Path_("openrem/RF-ESR-Siemens-Varic.dcm")).Tree.First("C-210")?.Num().Values.Count);
        Assert.Null(result.Accumulated.DoseRpTotalGy);
    }

    [SamplesFact]
    public void Kodak_comma_separated_filters_are_split_and_ranges_ordered()
    {
        var path = SharedSamples.Path_("openrem/DX-Im-Carestream_DR7500-2.dcm");
        var materials = Dcmtk.Value(path, "0018,7050")!;
        Assert.Contains(',', materials);
        var result = Extract("openrem/DX-Im-Carestream_DR7500-2.dcm");
        Assert.Contains(KodakCommaSeparatedFilters.Name, result.AppliedFixes);
        var filters = Assert.Single(result.Events).Filters!;
        var parts = filters.Split("; ");
        Assert.Equal(materials.Split(','), parts.Select(p => p.Split(' ')[0]));
        var minimums = Dcmtk.Value(path, "0018,7052")!.Split(',');
        var maximums = Dcmtk.Value(path, "0018,7054")!.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var (a, b) = (double.Parse(minimums[i], System.Globalization.CultureInfo.InvariantCulture), double.Parse(maximums[i], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains($"{Math.Min(a, b):0.###}–{Math.Max(a, b):0.###} mm", parts[i]);
        }
    }

    [SamplesFact]
    public void The_for_presentation_and_for_processing_images_of_one_mammogram_are_one_event()
    {
        var presentation = Extract("openrem/MG-Im-GE_Seno_1_ForPresentation.dcm");
        var processing = Extract("openrem/MG-Im-GE_Seno_1_ForProcessing.dcm");
        var other = Extract("openrem/MG-Im-GE_Seno_2_ForPresentation.dcm");
        Assert.NotEqual(presentation.Instance.SopInstanceUid, processing.Instance.SopInstanceUid);
        Assert.Contains(ProjectionImageEventKey.Name, presentation.AppliedFixes);
        Assert.Equal(Assert.Single(presentation.Events).EventUid, Assert.Single(processing.Events).EventUid);
        Assert.NotEqual(presentation.Events[0].EventUid, Assert.Single(other.Events).EventUid);
    }

    [SamplesFact]
    public void An_image_without_study_date_is_still_extracted()
    {
        Assert.Null(Dcmtk.Value(SharedSamples.Path_("openrem/DX-Im-Date-Missing.dcm"), "0008,0020"));
        var result = Extract("openrem/DX-Im-Date-Missing.dcm");
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        Assert.Null(result.Study!.StudyDate);
        Assert.NotNull(Assert.Single(result.Events).DapGyCm2);
    }

    [SamplesTheory]
    [InlineData("openrem/ESR_non-dose.dcm")]
    [InlineData("dcm4che/report_dfl.dcm")]
    public void A_text_report_is_set_aside_as_not_a_dose_object(string sample)
    {
        var result = Extract(sample);
        Assert.Equal(ExtractionKind.NotADoseObject, result.Kind);
        Assert.Contains("not a radiation dose report", result.NotADoseObjectReason);
    }
}
