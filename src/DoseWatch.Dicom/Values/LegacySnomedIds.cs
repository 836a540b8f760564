namespace DoseWatch.Dicom;

/// <summary>
/// Legacy SNOMED-RT identifiers (scheme SRT, e.g. "T-D3000") and the SNOMED CT concept IDs (scheme SCT) that replaced
/// them in PS3.16 (the "SNOMED Concept ID to SNOMED ID mapping" of PS3.16). Pre-2019 dose devices still send the
/// SRT form. This table holds the concepts radiation dose reports use (the SCT codes of the dose reference, §5),
/// not the whole mapping; the test suite checks every row against pydicom's copy of the standard's mapping.
/// </summary>
public static class LegacySnomedIds
{
    private static readonly Dictionary<string, string> ToSct = new(StringComparer.OrdinalIgnoreCase)
    {
        // Procedure reported, intent, method (TID 10011/10001/10021 roots, TID 10012 modifiers)
        ["P5-08000"] = "77477000",   // Computed Tomography X-Ray
        ["P5-40010"] = "71651007",   // Mammography
        ["P5-06000"] = "44491008",   // Fluoroscopy
        ["G-C0E8"] = "363703001",    // Has Intent
        ["R-408C3"] = "261004008",   // Diagnostic Intent
        ["R-41531"] = "262202000",   // Therapeutic Intent
        ["G-C036"] = "370129005",    // Measurement Method
        ["G-C2D0"] = "363589002",    // Associated Procedure
        ["G-C32C"] = "408730004",    // Procedure Context (CT acquisition: contrast technique, CID 10014)
        ["A-2C090"] = "15869005",    // Dosimeter
        // Target regions (CID 4030/4031) and laterality
        ["T-D1100"] = "69536005",    // Head
        ["T-D1000"] = "774007",      // Head and Neck
        ["T-D1600"] = "45048000",    // Neck
        ["T-D3000"] = "51185008",    // Chest
        ["T-D4000"] = "113345001",   // Abdomen
        ["T-D6000"] = "12921003",    // Pelvis
        ["R-FAB56"] = "416775004",   // Chest, Abdomen and Pelvis
        ["T-D0010"] = "38266002",    // Entire body
        ["G-C171"] = "272741003",    // Laterality
        ["G-A100"] = "24028007",     // Right
        ["G-A101"] = "7771000",      // Left
        ["G-A102"] = "51440002",     // Right and left
        ["T-04020"] = "73056007",    // Right breast
        ["T-04030"] = "80248007",    // Left breast
        // CT acquisition types (CID 10013)
        ["P5-08001"] = "116152004",  // Spiral Acquisition
        ["R-FB8F1"] = "702569007",   // Cone Beam Acquisition
        // Yes / No (CID 230)
        ["R-0038D"] = "373066001",   // Yes
        ["R-00339"] = "373067005",   // No
        // Anode target and filter materials (CID 10016, CID 10006)
        ["C-120F9"] = "105830007",   // Aluminum or aluminum compound
        ["C-127F9"] = "105837005",   // Copper or copper compound
        ["C-132F9"] = "105842002",   // Lead or lead compound
        ["C-137F9"] = "105847008",   // Silver or silver compound
        ["C-139F9"] = "105849006",   // Tin or tin compound
        ["C-150F9"] = "105860002",   // Molybdenum or molybdenum compound
        ["C-156F9"] = "105866008",   // Tantalum or tantalum compound
        ["C-164F9"] = "105874009",   // Tungsten or tungsten compound
        ["C-167F9"] = "105877002",   // Rhodium or rhodium compound
        ["C-1190E"] = "429310004",   // Niobium or niobium compound
        ["C-1190F"] = "429591003",   // Europium or europium compound
        // Radiopharmaceutical administration (TID 10022)
        ["F-61FDB"] = "417881006",   // Radiopharmaceutical agent
        ["C-10072"] = "89457008",    // Radionuclide
        ["R-42806"] = "304283002",   // Radionuclide half life
        ["G-C340"] = "410675002",    // Route of administration
        ["G-D101"] = "47625008",     // Intravenous route
        ["G-D103"] = "78421000",     // Intramuscular route
        ["G-D140"] = "26643006",     // Oral route
        ["G-C581"] = "272737002",    // Site of
    };

    /// <summary>Every (legacy SRT id, SCT concept id) pair in the table.</summary>
    public static IReadOnlyDictionary<string, string> All => ToSct;

    /// <summary>The SNOMED CT concept ID that replaced a legacy SNOMED-RT identifier, or null when the table does not hold it.</summary>
    public static string? ToConceptId(string legacyId) => ToSct.GetValueOrDefault(legacyId.Trim());
}
