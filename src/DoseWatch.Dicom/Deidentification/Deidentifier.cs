using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Dicom.Deidentification;

/// <summary>
/// De-identifies Part 10 objects per PS3.15 Annex E: Basic Application Level Confidentiality Profile, Retain
/// Longitudinal Temporal Information with Modified Dates, Clean Structured Content (the SR content tree is kept and
/// cleaned rather than replaced, so dose reports stay usable). Everything that must be consistent across the objects
/// of one export is derived from the export key with HMAC-SHA256, so the same key gives the same output for the same
/// input in any order and on any machine:
/// <list type="bullet">
/// <item>UIDs: <see cref="ReplaceUid"/> (the same UID in any object, attribute or SR UIDREF maps to the same new UID,
/// so references between objects survive).</item>
/// <item>Patients: <see cref="PatientPseudonym"/> becomes Patient's Name and Patient ID; <see cref="DateShiftDays"/>
/// moves every date of that patient by the same whole number of days (intervals and times of day preserved).</item>
/// </list>
/// A patient is keyed by Issuer of Patient ID + Patient ID (Patient's Name + Birth Date when the ID is empty).
/// Pixel data are not examined (the Clean Pixel Data option is not claimed).
/// </summary>
public sealed class Deidentifier
{
    public const string DummyText = "ANONYMIZED";

    private static readonly DicomTag IssuerOfPatientId = new(0x0010, 0x0021);
    private static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
    private static readonly DicomTag PatientIdentityRemoved = new(0x0012, 0x0062);
    private static readonly DicomTag DeidentificationMethod = new(0x0012, 0x0063);
    private static readonly DicomTag DeidentificationMethodCodeSequence = new(0x0012, 0x0064);
    private static readonly DicomTag LongitudinalTemporalInformationModified = new(0x0028, 0x0303);
    private static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    private static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    private static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    private static readonly DicomTag ValueType = new(0x0040, 0xA040);
    private static readonly DicomTag ConceptNameCodeSequence = new(0x0040, 0xA043);
    private static readonly DicomTag TextValue = new(0x0040, 0xA160);

    /// <summary>PS3.16 CID 7050 codes of what the research export applies, in (0012,0064).</summary>
    public static readonly IReadOnlyList<(string Code, string Meaning)> MethodCodes = DeidentificationOptions.ResearchExport.MethodCodes();

    // TID 1007 Subject Birth Date: a DATE item, removed whole when dates are kept (shifted along with the others otherwise).
    private const string SubjectBirthDateConcept = "121031";

    /// <summary>
    /// SR TEXT items whose value names a person, device or place (observer context, PS3.16 TID 1002/1004) or is free
    /// comment: their text is replaced. Other TEXT items (labels, protocol names) are kept.
    /// </summary>
    private static readonly HashSet<string> IdentifyingTextConcepts = new(StringComparer.Ordinal)
    {
        "121009", // Person Observer's Organization Name
        "121013", // Device Observer Name
        "121016", // Device Observer Serial Number
        "121017", // Device Observer Physical Location During Observation
        "121106", // Comment
        "121030", // Subject ID (TID 1007)
    };

    // Tags whose UID values name a class, syntax or coding scheme, never an instance: never replaced.
    private static readonly HashSet<uint> ClassUidTags =
    [
        0x00020002, 0x00020010, 0x00020012, 0x00041510, 0x00041512, 0x00080016, 0x0008001A, 0x0008001B, 0x00080062,
        0x0008010C, 0x00080117, 0x00081150, 0x0008115A, 0x00400012,
    ];

    private readonly byte[] _key;

    public Deidentifier(ReadOnlySpan<byte> exportKey, DeidentificationOptions? options = null)
    {
        if (exportKey.Length < 32) throw new ArgumentException("The export key must be at least 32 bytes.", nameof(exportKey));
        _key = exportKey.ToArray();
        Options = options ?? DeidentificationOptions.ResearchExport;
    }

    public DeidentificationOptions Options { get; }

    /// <summary>A de-identified copy of <paramref name="file"/> (the input is not changed).</summary>
    /// <param name="patientKey">Who the patient is, when the caller knows better than the object (e.g. a stored pseudonym
    /// where the objects' IDs were not kept); by default <see cref="PatientKey"/> of the object.</param>
    public DicomFile Deidentify(DicomFile file, string? patientKey = null)
    {
        var source = file.DataSet;
        patientKey ??= PatientKey(source);
        var shift = Options.RetainFullDates ? 0 : DateShiftDays(patientKey);
        var output = Process(source, shift, parent: null);
        var pseudonym = PatientPseudonym(patientKey);
        output.SetString(DicomTag.PatientName, DicomVR.PN, pseudonym);
        output.SetString(DicomTag.PatientId, DicomVR.LO, pseudonym);
        output.SetString(PatientIdentityRemoved, DicomVR.CS, "YES");
        var methods = Options.MethodCodes();
        output.SetStrings(DeidentificationMethod, DicomVR.LO, methods.Select(m => m.Meaning));
        output.Set(new DicomSequence(DeidentificationMethodCodeSequence, methods.Select(m =>
            new DicomDataSet()
                .SetString(CodeValue, DicomVR.SH, m.Code)
                .SetString(CodingSchemeDesignator, DicomVR.SH, "DCM")
                .SetString(CodeMeaning, DicomVR.LO, m.Meaning))));
        output.SetString(LongitudinalTemporalInformationModified, DicomVR.CS, Options.RetainFullDates ? "UNMODIFIED" : "MODIFIED");

        var sopClass = output.GetString(DicomTag.SopClassUid) ?? file.Meta.GetString(DicomTag.MediaStorageSopClassUid) ?? "";
        // Kept as is (a class UID identifies no one), so it must be a UID that can be written: digits and dots only.
        if (!DicomUid.IsValid(sopClass)) throw new DicomFormatException($"The SOP Class UID '{DicomUid.Printable(sopClass)}' is not a valid UID.", 0);
        var sopInstance = output.GetString(DicomTag.SopInstanceUid)
            ?? ReplaceUid(file.Meta.GetString(DicomTag.MediaStorageSopInstanceUid) ?? throw new DicomFormatException("The object has no SOP Instance UID.", 0));
        return new DicomFile(DicomFileMeta.Create(sopClass, sopInstance, file.TransferSyntax), output, file.TransferSyntax);
    }

    /// <summary>The patient as the profile sees them: issuer and ID, or name and birth date when there is no ID.</summary>
    public static string PatientKey(DicomDataSet dataSet)
    {
        var id = dataSet.GetString(DicomTag.PatientId);
        return !string.IsNullOrEmpty(id)
            ? Canonical("id", dataSet.GetString(IssuerOfPatientId) ?? "", id)
            : Canonical("name", dataSet.GetString(DicomTag.PatientName) ?? "", dataSet.GetString(PatientBirthDate) ?? "");
    }

    /// <summary>The new Patient ID and name: "DEID-" and 24 hex digits of HMAC(export key, patient).</summary>
    public string PatientPseudonym(string patientKey) => "DEID-" + Convert.ToHexString(Mac("patient", patientKey), 0, 12);

    /// <summary>Whole days, between 365 and 3,650 into the past, the same for every object of the patient.</summary>
    public int DateShiftDays(string patientKey) => -(365 + (int)(BitConverter.ToUInt32(Mac("shift", patientKey), 0) % 3286));

    /// <summary>
    /// A UUID-derived UID (PS3.5 §B.2, root 2.25): the HMAC of the original UID, formatted as an RFC 9562 version 8
    /// UUID and written as its 128-bit integer. Deterministic per export key; not reversible without it.
    /// </summary>
    public string ReplaceUid(string uid)
    {
        var b = Mac("uid", uid.Trim('\0', ' ')).AsSpan(0, 16).ToArray();
        b[6] = (byte)((b[6] & 0x0F) | 0x80);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return "2.25." + new System.Numerics.BigInteger(b, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private byte[] Mac(string purpose, string value) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Canonical(purpose, value)));

    private static string Canonical(params string[] parts)
    {
        var text = new StringBuilder();
        foreach (var p in parts) text.Append(Encoding.UTF8.GetByteCount(p)).Append(':').Append(p).Append(';');
        return text.ToString();
    }

    private DicomDataSet Process(DicomDataSet source, int shiftDays, DicomDataSet? parent)
    {
        var output = new DicomDataSet();
        // Keep the character set first so text written below is encoded with it; items inherit it through Parent.
        if (source.Get(DicomTag.SpecificCharacterSet) is { } charset) output.Set(charset);
        if (parent is not null) output.Parent = parent;
        foreach (var element in source)
        {
            if (element.Tag == DicomTag.SpecificCharacterSet) continue;
            if (Transform(element, shiftDays, output) is { } kept) output.Set(kept);
        }
        if (IsIdentifyingTextItem(source) && output.Contains(TextValue)) output.SetString(TextValue, DicomVR.UT, DummyText);
        return output;
    }

    private bool IsIdentifyingTextItem(DicomDataSet item) =>
        item.GetString(ValueType) == "TEXT" && ConceptCode(item) is { } code && IdentifyingTextConcepts.Contains(code)
        && !(Options.RetainDeviceIdentity && DeidentificationOptions.DeviceObserverTextConcepts.Contains(code));

    private static string? ConceptCode(DicomDataSet item) => item.GetSequence(ConceptNameCodeSequence)?.Items.FirstOrDefault()?.GetString(CodeValue);

    /// <summary>An SR item that cannot stay at all: the subject's birth date when dates are not shifted.</summary>
    private bool IsRemovedItem(DicomDataSet item) =>
        Options.RetainFullDates && item.GetString(ValueType) == "DATE" && ConceptCode(item) == SubjectBirthDateConcept;

    /// <summary>The element as it goes out, or null to remove it.</summary>
    private DicomElement? Transform(DicomElement element, int shiftDays, DicomDataSet output)
    {
        var tag = element.Tag;
        // Private data (incl. creators), curves (50xx) and overlays (60xx, whole planes) go; group lengths are recomputed.
        if (tag.IsPrivate || tag.IsGroupLength || (tag.Group & 0xFF00) is 0x5000 or 0x6000) return null;
        var action = Options.Retains(tag.Value) ? ProfileAction.Keep : ConfidentialityProfile.ActionFor(tag) ?? ImpliedAction(element);
        if (action == ProfileAction.ShiftDate && Options.RetainFullDates) action = ProfileAction.Keep;
        return action switch
        {
            ProfileAction.Keep or ProfileAction.CleanContent => element is DicomSequence sq ? Items(sq, shiftDays, output) : element,
            ProfileAction.Remove => null,
            // X/Z on a sequence (Referenced Study Sequence): an empty sequence is invalid where it is Type 3 (1-n items),
            // so its items are kept and their UIDs replaced, which is what X/Z/U* allows.
            ProfileAction.RemoveOrZero when element is DicomSequence sq => Items(sq, shiftDays, output),
            ProfileAction.Zero or ProfileAction.RemoveOrZero => Empty(element),
            ProfileAction.Dummy => Dummy(element, shiftDays, output),
            ProfileAction.ZeroOrDummy or ProfileAction.RemoveOrDummy => element.Length == 0 ? Empty(element) : Dummy(element, shiftDays, output),
            ProfileAction.ReplaceUid => Uids(element, output),
            ProfileAction.ShiftDate => Shift(element, shiftDays, output),
            _ => throw new InvalidOperationException($"Unhandled action {action}"),
        };
    }

    /// <summary>Elements the table does not list: UIDs of instances are replaced and dates shifted wherever they appear
    /// (an unlisted date or instance UID is as identifying as a listed one); everything else is kept.</summary>
    private static ProfileAction ImpliedAction(DicomElement element)
    {
        if (element.VR == DicomVR.UI && !ClassUidTags.Contains(element.Tag.Value)) return ProfileAction.ReplaceUid;
        if (element.VR == DicomVR.DA || element.VR == DicomVR.DT) return ProfileAction.ShiftDate;
        return ProfileAction.Keep;
    }

    private DicomSequence Items(DicomSequence sequence, int shiftDays, DicomDataSet output) =>
        new(sequence.Tag, sequence.Items.Where(item => !IsRemovedItem(item)).Select(item => Process(item, shiftDays, output)).ToList(), sequence.VR);

    private static DicomElement Empty(DicomElement element) =>
        element is DicomSequence sq ? new DicomSequence(sq.Tag, [], sq.VR) : new DicomElement(element.Tag, element.VR, ReadOnlyMemory<byte>.Empty);

    private DicomElement Dummy(DicomElement element, int shiftDays, DicomDataSet output)
    {
        if (element is DicomSequence sq) return Items(sq, shiftDays, output);
        var vr = element.VR;
        if (vr == DicomVR.UI) return Uids(element, output);
        if (vr == DicomVR.DA || vr == DicomVR.DT || vr == DicomVR.TM) return Shift(element, shiftDays, output);
        string? text = vr == DicomVR.IS || vr == DicomVR.DS ? "0"
            : vr == DicomVR.AS ? "000D"
            : vr.Kind is VRKind.CharsetText or VRKind.AsciiText ? DummyText
            : null;
        // Binary values: zeros of the same length keep the value multiplicity.
        return text is null ? new DicomElement(element.Tag, vr, new byte[element.Value.Length]) : Text(element.Tag, vr, text, output);
    }

    private DicomElement Uids(DicomElement element, DicomDataSet output)
    {
        if (element is DicomSequence) return element;
        var values = Strings(element, output);
        var replaced = values.Select(v => v.Length == 0 || v.StartsWith("1.2.840.10008.", StringComparison.Ordinal) ? v : ReplaceUid(v));
        return Text(element.Tag, element.VR, string.Join('\\', replaced), output);
    }

    private static DicomElement Shift(DicomElement element, int shiftDays, DicomDataSet output)
    {
        if (element is DicomSequence || element.Length == 0) return element;
        var vr = element.VR;
        if (vr != DicomVR.DA && vr != DicomVR.DT) return element; // TM, and the UTC offset: whole-day shifts leave them as they are
        var shifted = Strings(element, output).Select(v => TemporalShift.Shift(v, vr, shiftDays)).ToList();
        // A value that is not a date cannot be shifted: it is emptied rather than kept.
        return shifted.Any(v => v is null) ? Empty(element) : Text(element.Tag, vr, string.Join('\\', shifted), output);
    }

    private static string[] Strings(DicomElement element, DicomDataSet output)
    {
        var holder = new DicomDataSet { Parent = output };
        holder.Set(element);
        return holder.GetStrings(element.Tag);
    }

    private static DicomElement Text(DicomTag tag, DicomVR vr, string value, DicomDataSet output)
    {
        var holder = new DicomDataSet { Parent = output };
        holder.SetString(tag, vr, value);
        return holder.Get(tag)!;
    }
}
