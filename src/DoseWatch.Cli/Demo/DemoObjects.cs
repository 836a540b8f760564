namespace DoseWatch.Cli.Demo;

/// <summary>The objects a demo study's device sends: one dose report (CT, projection X-ray, nuclear medicine) or its images (MR, ultrasound).</summary>
internal static class DemoObjects
{
    public static IReadOnlyList<Dicom.DicomFile> Write(DemoStudy study) => study.Device.Modality switch
    {
        DemoModality.MagneticResonance or DemoModality.Ultrasound => DemoImageWriter.Write(study).ToList(),
        _ => [RadiationDoseSrWriter.Write(study)],
    };
}
