using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Analysis;

/// <summary>One row of a national diagnostic reference level table (adult CT); null where the table gives no value.</summary>
public sealed record NationalDrl(string Examination, double? CtdiVolMGy, double? DlpMGyCm);

/// <summary>A country's DRL table. Editable: the defaults below are a starting point, sites load their own.</summary>
public sealed record NationalDrlTable(string Country, string Edition, IReadOnlyList<NationalDrl> Rows)
{
    public NationalDrl? Find(string examination) =>
        Rows.FirstOrDefault(r => string.Equals(r.Examination, examination, StringComparison.OrdinalIgnoreCase));

    // ../shared/reference/dicom-dose-reference.md §8.2: UK national DRLs (UKHSA, values adopted 2022), CTDIvol per
    // sequence (mGy) and DLP per examination (mGy·cm). "–" in the reference is null here.
    public static readonly NationalDrlTable UnitedKingdom2022 = new("UK", "2022",
    [
        new("Head (acute stroke)", 47, 790),
        new("Paranasal sinuses", 12, 160),
        new("Cervical spine (fracture)", 16, 400),
        new("Chest (lung cancer)", 8.5, 290),
        new("Chest high resolution (ILD), helical", 8, 300),
        new("CT pulmonary angiography (PE)", 9.1, 310),
        new("Chest + abdomen (lung cancer)", null, 470),
        new("Chest, abdomen, pelvis (cancer)", null, 660),
        new("Neck, chest, abdomen, pelvis (cancer)", null, 850),
        new("Abdomen + pelvis (abscess)", 10, 530),
        new("Kidneys-ureters-bladder (stones)", 6.3, 290),
        new("Urogram", null, 890),
        new("Virtual colonoscopy", null, 690),
    ]);
}

/// <summary>AAPM CT Dose Check notification values (CTDIvol, mGy), by examination.</summary>
public static class AapmCtNotificationValues
{
    // ../shared/reference/dicom-dose-reference.md §8.1: AAPM recommended CTDIvol notification values (mGy).
    public static readonly IReadOnlyDictionary<string, double> CtdiVolMGy = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        ["Adult head"] = 80,
        ["Adult torso"] = 50,
        ["Pediatric head < 2 y"] = 50,
        ["Pediatric head 2–5 y"] = 60,
        ["Pediatric torso < 10 y, 16 cm phantom"] = 25,
        ["Pediatric torso < 10 y, 32 cm phantom"] = 10,
        ["Brain perfusion"] = 600,
        ["Cardiac, retrospectively gated (spiral)"] = 150,
        ["Cardiac, prospectively gated (sequential)"] = 50,
    };

    /// <summary>SCT codes of target regions that make an examination a "head" one (CID 4030 members, §7 of the reference).</summary>
    private static readonly HashSet<ConceptCode> HeadRegions = [new("69536005", "SCT"), new("774007", "SCT")];

    /// <summary>
    /// The row that applies when the rule does not name one: head when the target region is Head or Head and Neck or, failing a
    /// region, the CTDIvol was reported in the 16 cm phantom; the paediatric rows by age in years (an unknown age is
    /// treated as adult). Perfusion and cardiac rows are never inferred: a rule scoped to such a protocol names them.
    /// </summary>
    public static string InferExamination(IrradiationEvent ev, double? ageYears)
    {
        var head = ev.TargetRegion is { } region ? HeadRegions.Contains(region) : ev.Phantom == CtdiPhantom.Head16;
        return (head, ageYears) switch
        {
            (true, < 2) => "Pediatric head < 2 y",
            (true, < 5) => "Pediatric head 2–5 y",
            (true, _) => "Adult head",
            (false, < 10) => ev.Phantom == CtdiPhantom.Head16 ? "Pediatric torso < 10 y, 16 cm phantom" : "Pediatric torso < 10 y, 32 cm phantom",
            _ => "Adult torso",
        };
    }
}

/// <summary>Fluoroscopy substantial radiation dose levels (follow-up triggers), per study and cumulative per patient.</summary>
public static class FluoroscopySubstantialDoseLevels
{
    // ../shared/reference/dicom-dose-reference.md §8.3: SRDL (SIR, Stecker et al. JVIR 2009 / NCRP Report 168):
    // Ka,r 5 Gy; PKA 500 Gy·cm²; peak skin dose 3 Gy; fluoroscopy time 60 min. The peak skin dose is not in an RDSR:
    // it is DoseWatch's estimate from the skin dose map (docs/skin-dose.md), judged by the peak-skin-dose rules.
    public const double DoseRpGy = 5;
    public const double DapGyCm2 = 500;
    public const double FluoroTimeMinutes = 60;
    public const double FluoroTimeS = FluoroTimeMinutes * 60;
    public const double PeakSkinDoseGy = 3;
}

/// <summary>
/// The peak skin dose levels (Gy) of the default peak-skin-dose alert rules and of the lines on the fluoroscopy
/// dashboard. 3 Gy is the SIR / NCRP Report 168 substantial radiation dose level (dicom-dose-reference.md §8.3); 2 Gy
/// (about where transient erythema starts) and 5 Gy are the levels issue #20 asks for around it.
/// </summary>
public static class PeakSkinDoseLevels
{
    public const double FirstGy = 2;
    public const double SubstantialGy = FluoroscopySubstantialDoseLevels.PeakSkinDoseGy;
    public const double HighGy = 5;

    public static readonly IReadOnlyList<double> AllGy = [FirstGy, SubstantialGy, HighGy];
}

/// <summary>MR whole-body and head SAR limits (6-minute average, W/kg) by IEC 60601-2-33 operating mode.</summary>
public static class MrSarLimits
{
    // ../shared/reference/dicom-dose-reference.md §8.4: IEC 60601-2-33 SAR limits. Normal: whole body 2, partial body up
    // to 10, head 3.2 W/kg; first level controlled: whole body 4, partial body up to 10, head 3.2 W/kg. Second level has
    // no upper limit (ethics approval) and is not checked. Partial body depends on the exposed mass, which DICOM does not
    // carry, so only its upper end (10 W/kg) is certain to be exceeded. Local SAR limits are unverified (⚠): not used.
    public const double NormalWholeBody = 2, NormalPartialBodyMaximum = 10, NormalHead = 3.2;
    public const double FirstLevelWholeBody = 4, FirstLevelPartialBodyMaximum = 10, FirstLevelHead = 3.2;

    /// <summary>
    /// The limit for a reported (0018,9178) operating mode and (0018,9179) SAR definition; null where nothing applies
    /// (second level, local SAR). A missing mode is read as IEC_NORMAL (the mode a scanner starts in); a missing
    /// definition as whole body ((0018,1316) SAR is the whole-body SAR).
    /// </summary>
    public static double? LimitWPerKg(string? operatingMode, string? sarDefinition)
    {
        var mode = string.IsNullOrWhiteSpace(operatingMode) ? "IEC_NORMAL" : operatingMode.Trim().ToUpperInvariant();
        var definition = string.IsNullOrWhiteSpace(sarDefinition) ? "IEC_WHOLE_BODY" : sarDefinition.Trim().ToUpperInvariant();
        return (mode, definition) switch
        {
            ("IEC_NORMAL", "IEC_WHOLE_BODY") => NormalWholeBody,
            ("IEC_NORMAL", "IEC_PARTIAL_BODY") => NormalPartialBodyMaximum,
            ("IEC_NORMAL", "IEC_HEAD") => NormalHead,
            ("IEC_FIRST_LEVEL", "IEC_WHOLE_BODY") => FirstLevelWholeBody,
            ("IEC_FIRST_LEVEL", "IEC_PARTIAL_BODY") => FirstLevelPartialBodyMaximum,
            ("IEC_FIRST_LEVEL", "IEC_HEAD") => FirstLevelHead,
            _ => null,
        };
    }
}

/// <summary>Ultrasound output guidance: MI and TI limits by application.</summary>
public static class UltrasoundOutputGuidance
{
    // ../shared/reference/dicom-dose-reference.md §8.5: FDA Track 3 MI ≤ 1.9 (all applications except ophthalmic);
    // FDA ophthalmic MI ≤ 0.23 and TI ≤ 1.0 (⚠ in the reference); BMUS obstetric TI ≤ 0.7 for unlimited time;
    // BMUS non-obstetric TI ≤ 1.0 for unlimited time.
    public const double GeneralMechanicalIndex = 1.9;
    public const double OphthalmicMechanicalIndex = 0.23;
    public const double OphthalmicThermalIndex = 1.0;
    public const double ObstetricThermalIndex = 0.7;
    public const double GeneralThermalIndex = 1.0;

    public enum Application { General, Obstetric, Ophthalmic }

    /// <summary>The application from the preset name (OB/obstetric/fetal/foetal/early pregnancy, eye/ophthalmic/orbit); general otherwise.</summary>
    public static Application InferApplication(string? preset)
    {
        var words = ProtocolNameSimilarity.Normalise(preset).Split(' ');
        if (words.Any(w => w is "ob" or "obstetric" or "obstetrics" or "fetal" or "foetal" or "pregnancy" or "nt")) return Application.Obstetric;
        if (words.Any(w => w is "eye" or "ophthalmic" or "orbit" or "ocular")) return Application.Ophthalmic;
        return Application.General;
    }

    public static double MechanicalIndexLimit(Application application) =>
        application == Application.Ophthalmic ? OphthalmicMechanicalIndex : GeneralMechanicalIndex;

    public static double ThermalIndexLimit(Application application) => application switch
    {
        Application.Obstetric => ObstetricThermalIndex,
        Application.Ophthalmic => OphthalmicThermalIndex,
        _ => GeneralThermalIndex,
    };
}
