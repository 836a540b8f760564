namespace DoseWatch.Dicom.Network.Acse;

/// <summary>SOP Class UIDs (PS3.4 Annex B, PS3.6 Annex A) that the Store SCP accepts by default: dose reports and the images that carry dose or safety attributes.</summary>
public static class SopClassUids
{
    public const string Verification = "1.2.840.10008.1.1";
    public const string XRayRadiationDoseSr = "1.2.840.10008.5.1.4.1.1.88.67";
    public const string RadiopharmaceuticalRadiationDoseSr = "1.2.840.10008.5.1.4.1.1.88.68";
    public const string PatientRadiationDoseSr = "1.2.840.10008.5.1.4.1.1.88.73";
    public const string EnhancedXRayRadiationDoseSr = "1.2.840.10008.5.1.4.1.1.88.76";
    public const string EnhancedSr = "1.2.840.10008.5.1.4.1.1.88.22";
    public const string ComprehensiveSr = "1.2.840.10008.5.1.4.1.1.88.33";
    public const string Comprehensive3DSr = "1.2.840.10008.5.1.4.1.1.88.34";
    public const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
    public const string EnhancedCtImage = "1.2.840.10008.5.1.4.1.1.2.1";
    public const string MrImage = "1.2.840.10008.5.1.4.1.1.4";
    public const string EnhancedMrImage = "1.2.840.10008.5.1.4.1.1.4.1";
    public const string UltrasoundImage = "1.2.840.10008.5.1.4.1.1.6.1";
    public const string UltrasoundImageRetired = "1.2.840.10008.5.1.4.1.1.6";
    public const string UltrasoundMultiFrameImage = "1.2.840.10008.5.1.4.1.1.3.1";
    public const string UltrasoundMultiFrameImageRetired = "1.2.840.10008.5.1.4.1.1.3";
    public const string ComputedRadiographyImage = "1.2.840.10008.5.1.4.1.1.1";
    public const string DigitalXRayImageForPresentation = "1.2.840.10008.5.1.4.1.1.1.1";
    public const string DigitalXRayImageForProcessing = "1.2.840.10008.5.1.4.1.1.1.1.1";
    public const string DigitalMammographyImageForPresentation = "1.2.840.10008.5.1.4.1.1.1.2";
    public const string DigitalMammographyImageForProcessing = "1.2.840.10008.5.1.4.1.1.1.2.1";
    public const string XRayAngiographicImage = "1.2.840.10008.5.1.4.1.1.12.1";
    public const string EnhancedXaImage = "1.2.840.10008.5.1.4.1.1.12.1.1";
    public const string XRayRadiofluoroscopicImage = "1.2.840.10008.5.1.4.1.1.12.2";
    public const string EnhancedXrfImage = "1.2.840.10008.5.1.4.1.1.12.2.1";
    public const string BreastTomosynthesisImage = "1.2.840.10008.5.1.4.1.1.13.1.3";
    public const string BreastProjectionXRayImageForPresentation = "1.2.840.10008.5.1.4.1.1.13.1.4";
    public const string BreastProjectionXRayImageForProcessing = "1.2.840.10008.5.1.4.1.1.13.1.5";
    public const string NuclearMedicineImage = "1.2.840.10008.5.1.4.1.1.20";
    public const string PositronEmissionTomographyImage = "1.2.840.10008.5.1.4.1.1.128";
    public const string EnhancedPetImage = "1.2.840.10008.5.1.4.1.1.130";
    public const string SecondaryCaptureImage = "1.2.840.10008.5.1.4.1.1.7";

    /// <summary>The storage SOP classes accepted when the configuration does not list its own.</summary>
    public static readonly IReadOnlyList<string> DefaultStorage =
    [
        XRayRadiationDoseSr, RadiopharmaceuticalRadiationDoseSr, PatientRadiationDoseSr, EnhancedXRayRadiationDoseSr,
        EnhancedSr, ComprehensiveSr, Comprehensive3DSr,
        CtImage, EnhancedCtImage, MrImage, EnhancedMrImage,
        UltrasoundImage, UltrasoundImageRetired, UltrasoundMultiFrameImage, UltrasoundMultiFrameImageRetired,
        ComputedRadiographyImage, DigitalXRayImageForPresentation, DigitalXRayImageForProcessing,
        DigitalMammographyImageForPresentation, DigitalMammographyImageForProcessing,
        XRayAngiographicImage, EnhancedXaImage, XRayRadiofluoroscopicImage, EnhancedXrfImage,
        BreastTomosynthesisImage, BreastProjectionXRayImageForPresentation, BreastProjectionXRayImageForProcessing,
        NuclearMedicineImage, PositronEmissionTomographyImage, EnhancedPetImage, SecondaryCaptureImage,
    ];

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [Verification] = "Verification",
        [XRayRadiationDoseSr] = "X-Ray Radiation Dose SR",
        [RadiopharmaceuticalRadiationDoseSr] = "Radiopharmaceutical Radiation Dose SR",
        [PatientRadiationDoseSr] = "Patient Radiation Dose SR",
        [EnhancedXRayRadiationDoseSr] = "Enhanced X-Ray Radiation Dose SR",
        [EnhancedSr] = "Enhanced SR",
        [ComprehensiveSr] = "Comprehensive SR",
        [Comprehensive3DSr] = "Comprehensive 3D SR",
        [CtImage] = "CT Image",
        [EnhancedCtImage] = "Enhanced CT Image",
        [MrImage] = "MR Image",
        [EnhancedMrImage] = "Enhanced MR Image",
        [UltrasoundImage] = "Ultrasound Image",
        [UltrasoundImageRetired] = "Ultrasound Image (retired)",
        [UltrasoundMultiFrameImage] = "Ultrasound Multi-frame Image",
        [UltrasoundMultiFrameImageRetired] = "Ultrasound Multi-frame Image (retired)",
        [ComputedRadiographyImage] = "Computed Radiography Image",
        [DigitalXRayImageForPresentation] = "Digital X-Ray Image (for presentation)",
        [DigitalXRayImageForProcessing] = "Digital X-Ray Image (for processing)",
        [DigitalMammographyImageForPresentation] = "Digital Mammography Image (for presentation)",
        [DigitalMammographyImageForProcessing] = "Digital Mammography Image (for processing)",
        [XRayAngiographicImage] = "X-Ray Angiographic Image",
        [EnhancedXaImage] = "Enhanced XA Image",
        [XRayRadiofluoroscopicImage] = "X-Ray Radiofluoroscopic Image",
        [EnhancedXrfImage] = "Enhanced XRF Image",
        [BreastTomosynthesisImage] = "Breast Tomosynthesis Image",
        [BreastProjectionXRayImageForPresentation] = "Breast Projection X-Ray Image (for presentation)",
        [BreastProjectionXRayImageForProcessing] = "Breast Projection X-Ray Image (for processing)",
        [NuclearMedicineImage] = "Nuclear Medicine Image",
        [PositronEmissionTomographyImage] = "PET Image",
        [EnhancedPetImage] = "Enhanced PET Image",
        [SecondaryCaptureImage] = "Secondary Capture Image",
    };

    /// <summary>The SOP class's name as PS3.6 gives it, for people; the UID itself for one not known here.</summary>
    public static string Name(string? uid) => uid is null ? "unknown" : Names.GetValueOrDefault(uid, uid);
}
