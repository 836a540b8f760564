namespace DoseWatch.Dicom.Deidentification;

/// <summary>
/// The actions of PS3.15 Table E.1-1a. Compound codes (Z/D, X/Z, X/D, X/Z/D, X/Z/U*) are kept as written and resolved per
/// element by <see cref="Deidentifier"/>, which has no IOD tables: it never makes a present value absent or empty where
/// the code allows a dummy, so a Type 1 or Type 2 attribute stays conformant whatever the IOD.
/// </summary>
public enum ProfileAction
{
    /// <summary>K: keep (sequences: kept, their items processed).</summary>
    Keep,
    /// <summary>X: remove.</summary>
    Remove,
    /// <summary>Z: zero-length value (a sequence: no items).</summary>
    Zero,
    /// <summary>D: a dummy value of the VR (a sequence: items kept and processed).</summary>
    Dummy,
    /// <summary>U: a new UID, the same for the same input UID throughout the export.</summary>
    ReplaceUid,
    /// <summary>Z/D: zero-length when the original is empty, else a dummy.</summary>
    ZeroOrDummy,
    /// <summary>X/Z: zero-length (Type 2 stays present).</summary>
    RemoveOrZero,
    /// <summary>X/D and X/Z/D: a dummy when the original has a value, else zero-length.</summary>
    RemoveOrDummy,
    /// <summary>C of the Retain Longitudinal Temporal Information with Modified Dates option: dates shifted by the
    /// patient's offset, times kept (the shift is whole days).</summary>
    ShiftDate,
    /// <summary>C of the Clean Structured Content option: the SR content tree is kept and its items are processed.</summary>
    CleanContent,
}

/// <summary>
/// PS3.15 Annex E, Table E.1-1: Basic Application Level Confidentiality Profile with the Retain Longitudinal Temporal
/// Information with Modified Dates option applied (temporal attributes whose option column is C are <see cref="ProfileAction.ShiftDate"/>),
/// and Clean Structured Content for the SR Content Sequence. Rows are the attributes the standard lists by tag; the
/// rules that apply to whole classes of elements (private groups, curves 50xx, overlays 60xx, other UIDs and dates not
/// listed here) are in <see cref="Deidentifier"/>. Attributes not listed are kept (PS3.15 E.1.1).
/// </summary>
public static class ConfidentialityProfile
{
    public static ProfileAction? ActionFor(DicomTag tag) => Table.TryGetValue(tag.Value, out var a) ? a : null;

    /// <summary>Every listed attribute and its action (read by the tests and by the export's documentation).</summary>
    public static IReadOnlyDictionary<uint, ProfileAction> Table { get; } = Build();

    private static Dictionary<uint, ProfileAction> Build()
    {
        var t = new Dictionary<uint, ProfileAction>();
        void Add(ProfileAction action, params uint[] tags)
        {
            foreach (var tag in tags) t[tag] = action;
        }

        // Patient
        Add(ProfileAction.Zero, 0x00100010, 0x00100030, 0x00100040); // Patient's Name, Birth Date, Sex
        Add(ProfileAction.ZeroOrDummy, 0x00100020); // Patient ID (set to the pseudonym afterwards)
        Add(ProfileAction.Remove,
            0x00100021, 0x00100024, 0x00100032, 0x00100033, 0x00100034, 0x00100035, 0x00100050, 0x00100101, 0x00100102,
            0x00101000, 0x00101001, 0x00101002, 0x00101005, 0x00101010, 0x00101020, 0x00101030, 0x00101040, 0x00101050,
            0x00101060, 0x00101080, 0x00101081, 0x00101090, 0x00101100, 0x00102000, 0x00102110, 0x00102150, 0x00102152,
            0x00102154, 0x00102155, 0x00102160, 0x00102180, 0x001021A0, 0x001021B0, 0x001021C0, 0x001021D0, 0x001021F0,
            0x00102297, 0x00102299, 0x00104000, 0x00380010, 0x00380300, 0x00380400, 0x00380500, 0x00384000);
        Add(ProfileAction.RemoveOrZero, 0x00102203); // Patient's Sex Neutered

        // Study, visit, request, procedure step
        Add(ProfileAction.Zero, 0x00080050, 0x00200010, 0x00080090, 0x0008009C, 0x00402016, 0x00402017, 0x00700084);
        Add(ProfileAction.Remove,
            0x00080051, 0x00080092, 0x00080094, 0x00080096, 0x0008009D, 0x00081030, 0x0008103E, 0x00081048, 0x00081049,
            0x00081050, 0x00081052, 0x00081060, 0x00081062, 0x00081080, 0x00081084, 0x00081120, 0x00082111, 0x00084000,
            0x00320012, 0x00321020, 0x00321021, 0x00321030, 0x00321032, 0x00321033, 0x00321070, 0x00324000,
            0x00400001, 0x00400006, 0x00400241, 0x00400242, 0x00400243, 0x00400253, 0x00400254, 0x00400275, 0x00400280,
            0x00400310, 0x00401004, 0x00401005, 0x00401010, 0x00401102, 0x00401103, 0x00401400, 0x00402001,
            0x00402400, 0x00403001, 0x0040A078, 0x0040A07A, 0x0040A07C, 0x00700086,
            0x00204000, 0x00209158, 0x00184000, 0x00189424, 0x0018A003, 0x00181004, 0x00181005, 0x00181007, 0x00181008,
            0x00181009, 0x00181010,
            // digital signatures and audit copies of original values
            0x04000100, 0x04000402, 0x04000403, 0x04000404, 0x04000550, 0x04000561, 0xFFFAFFFA, 0xFFFCFFFC);
        Add(ProfileAction.RemoveOrZero, 0x00081110, 0x00321060);
        Add(ProfileAction.RemoveOrDummy, 0x00081070, 0x00081072, 0x00080080, 0x00080082, 0x00081010, 0x00181000, 0x00181030,
            0x00181400, 0x0018700A, 0x00081111);
        Add(ProfileAction.Remove, 0x00080081, 0x00081040); // Institution Address, Department
        // Timezone Offset From UTC: X (the Basic action) rather than the option's C. Whole-day shifts keep local times
        // and intervals; the offset would only hint at where the patient was.
        Add(ProfileAction.Remove, 0x00080201);
        Add(ProfileAction.Dummy, 0x00401101, 0x0040A073, 0x0040A075, 0x0040A123);
        // Listed as X, but removing them breaks the SR Document General module (dciodvfy): Requested Procedure ID is
        // Type 2 in the Referenced Request Sequence and Verifying Organization Type 1 in the Verifying Observer
        // Sequence. Emptying or a dummy removes the value just as well.
        Add(ProfileAction.Zero, 0x00401001);
        Add(ProfileAction.Dummy, 0x0040A027);
        Add(ProfileAction.Zero, 0x0040A088);
        // Referenced Image Sequence (X/Z/U*): the references are kept, their UIDs replaced.
        Add(ProfileAction.Keep, 0x00081140);
        Add(ProfileAction.CleanContent, 0x0040A730);

        // UIDs (U)
        Add(ProfileAction.ReplaceUid,
            0x00020003, 0x00080014, 0x00080018, 0x00080058, 0x00081155, 0x00081195, 0x00083010, 0x0020000D, 0x0020000E,
            0x00200052, 0x00200200, 0x00209161, 0x00209164, 0x00281199, 0x00281214, 0x00181002, 0x0040A124, 0x0040DB0C,
            0x0040DB0D, 0x00880140, 0x30060024, 0x300600C2, 0x00080017, 0x00080019, 0x00203401, 0x00203404, 0x00203406);

        // Temporal attributes: C under Retain Longitudinal Temporal Information with Modified Dates.
        Add(ProfileAction.ShiftDate,
            0x00080012, 0x00080013, 0x00080015, 0x00080020, 0x00080021, 0x00080022, 0x00080023, 0x00080024, 0x00080025,
            0x0008002A, 0x00080030, 0x00080031, 0x00080032, 0x00080033, 0x00080034, 0x00080035,
            0x00181012, 0x00181014, 0x00181072, 0x00181073, 0x00181078, 0x00181079, 0x00181200, 0x00181201, 0x0018700C,
            0x00189074, 0x00189151, 0x00189623, 0x00189701, 0x00189804, 0x00380020, 0x00380021,
            0x00400002, 0x00400003, 0x00400004, 0x00400005, 0x00400244, 0x00400245, 0x00400250, 0x00400251,
            0x00402004, 0x00402005, 0x0040A030, 0x0040A032, 0x0040A120, 0x0040A121, 0x0040A122, 0x0040A13A);
        return t;
    }
}
