using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.ImageHeaders;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction;

/// <summary>Which extractor reads an object.</summary>
public enum DoseObjectClass
{
    NotADoseObject,
    CtRdsr,
    ProjectionRdsr,
    RadiopharmaceuticalRdsr,
    SiemensRadiationSummary,
    CtImage,
    PhilipsCtDoseInfo,
    MrImage,
    UsImage,
    ProjectionImage,
    NuclearImage,
}

public sealed record DoseObjectClassification(DoseObjectClass Class, string Reason, string? AppliedFix = null);

/// <summary>
/// Routes an object on its SOP Class UID and, for structured reports, on the root concept (113701 X-Ray Radiation Dose
/// Report, 113500 Radiopharmaceutical Radiation Dose Report) and the template identifier (10011 CT, 10001 projection),
/// falling back on the Procedure Reported modifier or the event containers present when a device omits the template
/// identifier. Any SOP class may carry a dose tree (GE sends CT dose reports as Enhanced SR), so the root concept decides.
/// </summary>
public static class DoseObjectClassifier
{
    public const string MissingTemplateIdentifierFix = "MissingTemplateIdentifier";

    private static readonly HashSet<string> CtImageClasses = ["1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.2.2"];
    private static readonly HashSet<string> MrImageClasses = ["1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.4.1", "1.2.840.10008.5.1.4.1.1.4.3", "1.2.840.10008.5.1.4.1.1.4.4"];
    private static readonly HashSet<string> UsImageClasses = ["1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.6", "1.2.840.10008.5.1.4.1.1.3.1", "1.2.840.10008.5.1.4.1.1.3", "1.2.840.10008.5.1.4.1.1.6.2"];
    private static readonly HashSet<string> ProjectionImageClasses =
    [
        "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.2",
        "1.2.840.10008.5.1.4.1.1.1.2.1", "1.2.840.10008.5.1.4.1.1.1.3", "1.2.840.10008.5.1.4.1.1.1.3.1", "1.2.840.10008.5.1.4.1.1.12.1",
        "1.2.840.10008.5.1.4.1.1.12.2", "1.2.840.10008.5.1.4.1.1.12.1.1", "1.2.840.10008.5.1.4.1.1.12.2.1", "1.2.840.10008.5.1.4.1.1.13.1.3",
        "1.2.840.10008.5.1.4.1.1.13.1.4", "1.2.840.10008.5.1.4.1.1.13.1.5",
    ];
    private static readonly HashSet<string> NuclearImageClasses = ["1.2.840.10008.5.1.4.1.1.20", "1.2.840.10008.5.1.4.1.1.5", "1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.130", "1.2.840.10008.5.1.4.1.1.128.1"];

    public static DoseObjectClassification Classify(DicomDataSet ds)
    {
        var sopClass = HeaderValues.Text(ds, DicomTag.SopClassUid) ?? "";
        if (HeaderValues.Text(ds, DoseTags.ValueType) == "CONTAINER" && ds.GetCodedConcept(DoseTags.ConceptNameCodeSequence) is { } rootConcept)
            return ClassifyReport(ds, rootConcept);
        if (CtImageClasses.Contains(sopClass)) return new(DoseObjectClass.CtImage, "CT image");
        if (MrImageClasses.Contains(sopClass)) return new(DoseObjectClass.MrImage, "MR image");
        if (UsImageClasses.Contains(sopClass)) return new(DoseObjectClass.UsImage, "ultrasound image");
        if (ProjectionImageClasses.Contains(sopClass)) return new(DoseObjectClass.ProjectionImage, "projection X-ray image");
        if (PhilipsCtDoseInfoSecondaryCapture.Applies(ds)) return new(DoseObjectClass.PhilipsCtDoseInfo, "Philips CT dose info secondary capture", PhilipsCtDoseInfoSecondaryCapture.Name);
        if (NuclearImageClasses.Contains(sopClass))
            return NuclearImageHeaderExtractor.HasAdministration(ds)
                ? new(DoseObjectClass.NuclearImage, "nuclear medicine / PET image with a Radiopharmaceutical Information Sequence")
                : new(DoseObjectClass.NotADoseObject, "nuclear medicine / PET image without a Radiopharmaceutical Information Sequence (0054,0016)");
        return new(DoseObjectClass.NotADoseObject, $"SOP class {sopClass} (modality {HeaderValues.Text(ds, DicomTag.Modality) ?? "none"}) carries no dose values DoseWatch reads");
    }

    private static DoseObjectClassification ClassifyReport(DicomDataSet ds, CodedConcept rootConcept)
    {
        if (rootConcept == DoseCodes.RadiopharmaceuticalRadiationDoseReport)
            return new(DoseObjectClass.RadiopharmaceuticalRdsr, "root 113500 Radiopharmaceutical Radiation Dose Report");
        if (rootConcept == SiemensRadiationSummaryReport.Root)
            return new(DoseObjectClass.SiemensRadiationSummary, "root (C-10, 99SMS_RADSUM) Siemens Radiation Summary Report", SiemensRadiationSummaryReport.Name);
        if (rootConcept != DoseCodes.XRayRadiationDoseReport)
            return new(DoseObjectClass.NotADoseObject, $"structured report with root concept ({rootConcept.CodeValue}, {rootConcept.CodingSchemeDesignator}, \"{rootConcept.CodeMeaning}\") is not a radiation dose report");

        var template = ds.GetSequence(DoseTags.ContentTemplateSequence) is { Items.Count: > 0 } t ? HeaderValues.Text(t.Items[0], DoseTags.TemplateIdentifier) : null;
        if (template == "10011") return new(DoseObjectClass.CtRdsr, "root 113701, template 10011");
        if (template == "10001") return new(DoseObjectClass.ProjectionRdsr, "root 113701, template 10001");

        // No (or an unexpected) template identifier (RF-RDSR-GE-OECEliteMiniView): decide on the content instead.
        var root = SrItem.Root(ds);
        var procedure = root.Child(DoseCodes.ProcedureReported)?.CodeValueItem;
        if (DoseCodes.Same(procedure, DoseCodes.ComputedTomographyXRay) || root.Descendant(DoseCodes.CtAcquisition) is not null)
            return new(DoseObjectClass.CtRdsr, "root 113701 without template 10011: CT procedure reported / CT Acquisition containers", MissingTemplateIdentifierFix);
        if (DoseCodes.Same(procedure, DoseCodes.ProjectionXRay) || DoseCodes.Same(procedure, DoseCodes.Mammography) || root.Descendant(DoseCodes.IrradiationEventXRayData) is not null)
            return new(DoseObjectClass.ProjectionRdsr, "root 113701 without template 10001: projection procedure reported / X-Ray event containers", MissingTemplateIdentifierFix);
        return new(DoseObjectClass.NotADoseObject, "X-Ray Radiation Dose Report with neither CT nor projection content");
    }
}
