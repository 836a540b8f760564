using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Components.Dashboards.Modality;

/// <summary>A quantity as one page shows it, with the limit or guidance lines drawn across its charts.</summary>
public sealed record PageQuantity(DashboardQuantity Quantity, IReadOnlyList<GuidanceLine> Lines)
{
    public PageQuantity(DashboardQuantity quantity) : this(quantity, []) { }
}

/// <summary>What a modality page shows: its modalities, quantities (the first is the default tab) and what it says when empty.</summary>
public sealed record ModalityPage(string Slug, string Title, string Subtitle, IReadOnlyList<string> Modalities, IReadOnlyList<PageQuantity> Quantities,
    string EmptyHint);

/// <summary>The pages of issue #5 "Per modality".</summary>
public static class ModalityPages
{
    public static readonly ModalityPage Ct = new("ct", "CT", "CTDIvol, DLP and SSDE per protocol", ModalityQuantities.CtModalities,
        [new(ModalityQuantities.CtdiVol), new(ModalityQuantities.Dlp), new(ModalityQuantities.Ssde)],
        "CT events appear once a scanner sends its Radiation Dose Structured Report.");

    public static readonly ModalityPage Fluoroscopy = new("fluoroscopy", "Fluoroscopy & interventional",
        "Per study: dose-area product, dose at the reference point and fluoroscopy time, as the device totals them, and the peak skin dose of the skin dose map", ModalityQuantities.FluoroscopyModalities,
        [new(ModalityQuantities.FluoroDap), new(ModalityQuantities.FluoroDoseRp), new(ModalityQuantities.FluoroTime), new(ModalityQuantities.FluoroPeakSkinDose, GuidanceLines.PeakSkinDose)],
        "Fluoroscopy and angiography studies appear once the system sends its X-Ray Radiation Dose SR at the end of the procedure.");

    public static readonly ModalityPage Radiography = new("radiography", "Radiography", "DAP and exposure index per protocol (events)",
        ModalityQuantities.RadiographyModalities, [new(ModalityQuantities.RadiographyDap), new(ModalityQuantities.ExposureIndex)],
        "Radiography exposures appear once a DR/CR room sends its dose SR or its images.");

    public static readonly ModalityPage Mammography = new("mammography", "Mammography", "Average glandular dose per view, against compressed breast thickness",
        ModalityQuantities.MammographyModalities, [new(ModalityQuantities.Agd)],
        "Mammography views appear once the unit sends its dose SR or its images.");

    public static readonly ModalityPage Nuclear = new("nuclear", "Nuclear medicine", "Administered activity per radiopharmaceutical",
        ModalityQuantities.NuclearModalities, [new(ModalityQuantities.AdministeredActivity)],
        "Administrations appear once the injector or the camera sends a Radiopharmaceutical Radiation Dose SR.");

    public static readonly ModalityPage Mr = new("mr", "MR", "Whole-body SAR per protocol against the IEC 60601-2-33 limits of the operating mode",
        ModalityQuantities.MrModalities, [new(ModalityQuantities.Sar, GuidanceLines.MrSar)],
        "MR series appear once the scanner (or the PACS) sends images: SAR, dB/dt and the operating mode are read from their headers.");

    public static readonly ModalityPage Ultrasound = new("ultrasound", "Ultrasound", "Mechanical and thermal index per preset against the guidance limits",
        ModalityQuantities.UsModalities, [new(ModalityQuantities.MechanicalIndex, GuidanceLines.MechanicalIndex), new(ModalityQuantities.ThermalIndex, GuidanceLines.ThermalIndex)],
        "Ultrasound images and loops appear once the scanner (or the PACS) sends them: MI and TI are read from their headers.");

    public static readonly IReadOnlyList<ModalityPage> All = [Ct, Fluoroscopy, Radiography, Mammography, Nuclear, Mr, Ultrasound];
}
