using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Rules;

public enum EditOutcome { Saved, Unchanged, NotFound, Invalid }

/// <param name="Problems">Field or parameter name → what is wrong (for <see cref="EditOutcome.Invalid"/>).</param>
public sealed record EditResult(EditOutcome Outcome, IReadOnlyDictionary<string, string> Problems)
{
    public static readonly EditResult Saved = new(EditOutcome.Saved, new Dictionary<string, string>());
    public static readonly EditResult Unchanged = new(EditOutcome.Unchanged, new Dictionary<string, string>());
    public static readonly EditResult NotFound = new(EditOutcome.NotFound, new Dictionary<string, string>());
}

/// <summary>
/// Every change a physicist makes to the rules as data: rules (thresholds, scopes, parameters), national DRL rows,
/// standard protocols, protocol references and name mappings. Each is validated, stored, and appended to the audit
/// trail with the old and the new value in Detail (JSON <c>{"old":…,"new":…}</c>). The analysis reads rules and
/// references afresh for every study, so a change applies from the next analysis on.
/// </summary>
public sealed class RuleEditing(RuleRepository rules, ProtocolRepository protocols, IAuditTrail audit, IOptions<AlertsOptions> options)
{
    public const string RuleUpdate = "rule.update";
    public const string RuleCreate = "rule.create";
    public const string DrlUpdate = "drl.update";
    public const string ProtocolUpdate = "protocol.update";
    public const string ReferenceUpdate = "protocol-reference.update";
    public const string MappingApprove = "protocol-mapping.approve";

    /// <summary>A new rule (the "add rule" action on /rules): validated like an edit, kept in rule_changes and audited as rule.create.</summary>
    public async Task<(EditResult Result, Rule? Created)> CreateRuleAsync(Rule rule, string actor, CancellationToken cancellationToken = default)
    {
        var problems = RuleValidation.Problems(rule);
        if (problems.Count > 0) return (new EditResult(EditOutcome.Invalid, problems), null);
        var created = await rules.CreateAsync(rule with { Id = 0 }, actor, cancellationToken);
        await AuditAsync(actor, RuleCreate, $"rule:{created.Id}", null, JsonDocument.Parse(RuleRepository.Json(created)).RootElement, cancellationToken);
        return (EditResult.Saved, created);
    }

    public async Task<EditResult> UpdateRuleAsync(Rule edited, string actor, CancellationToken cancellationToken = default)
    {
        var problems = RuleValidation.Problems(edited);
        if (problems.Count > 0) return new EditResult(EditOutcome.Invalid, problems);
        if (await rules.GetAsync(edited.Id, cancellationToken) is not { } before) return EditResult.NotFound;
        var old = RuleRepository.Json(before);
        var @new = RuleRepository.Json(edited);
        if (old == @new) return EditResult.Unchanged;
        if (!await rules.UpdateAsync(edited, actor, cancellationToken)) return EditResult.NotFound;
        await AuditAsync(actor, RuleUpdate, $"rule:{edited.Id}", JsonDocument.Parse(old).RootElement, JsonDocument.Parse(@new).RootElement, cancellationToken);
        return EditResult.Saved;
    }

    public async Task<EditResult> SaveNationalDrlAsync(string country, string edition, NationalDrl row, string actor, CancellationToken cancellationToken = default)
    {
        var problems = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(country)) problems["country"] = "A DRL table belongs to a country.";
        if (string.IsNullOrWhiteSpace(row.Examination)) problems["examination"] = "A DRL row names its examination.";
        if (row.CtdiVolMGy is { } c && !(c > 0 && double.IsFinite(c))) problems["ctdivol"] = "CTDIvol must be a positive number of mGy (empty: none).";
        if (row.DlpMGyCm is { } d && !(d > 0 && double.IsFinite(d))) problems["dlp"] = "DLP must be a positive number of mGy·cm (empty: none).";
        if (problems.Count > 0) return new EditResult(EditOutcome.Invalid, problems);
        var tables = await protocols.NationalDrlTablesAsync([NationalDrlTable.UnitedKingdom2022], cancellationToken);
        var before = tables.FirstOrDefault(t => string.Equals(t.Country, country.Trim(), StringComparison.OrdinalIgnoreCase))?.Find(row.Examination.Trim());
        var after = row with { Examination = row.Examination.Trim() };
        if (before == after) return EditResult.Unchanged;
        await protocols.SaveNationalDrlAsync(country.Trim(), edition.Trim(), after, cancellationToken);
        await AuditAsync(actor, DrlUpdate, $"drl:{country.Trim()}/{after.Examination}", before, new { edition = edition.Trim(), after.CtdiVolMGy, after.DlpMGyCm }, cancellationToken);
        return EditResult.Saved;
    }

    public async Task<EditResult> SaveStandardProtocolAsync(StandardProtocol protocol, string actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(protocol.Name)) return new EditResult(EditOutcome.Invalid, new Dictionary<string, string> { ["name"] = "A standard protocol needs a name." });
        var before = (await protocols.LoadCatalogueAsync(cancellationToken)).Find(protocol.Name);
        await protocols.SaveStandardProtocolAsync(protocol with { Name = protocol.Name.Trim() }, cancellationToken: cancellationToken);
        await AuditAsync(actor, ProtocolUpdate, $"protocol:{protocol.Name.Trim()}", before, protocol, cancellationToken);
        return EditResult.Saved;
    }

    /// <summary>Stores a reference as the physicist's (EditedBy = <paramref name="actor"/>): relearning never replaces it.</summary>
    public async Task<EditResult> SaveReferenceAsync(ProtocolReference reference, string actor, CancellationToken cancellationToken = default)
    {
        var problems = new Dictionary<string, string>();
        foreach (var (name, range) in new[] { ("pitch", reference.PitchFactor), ("collimation", reference.TotalCollimationMm), ("events", reference.EventCount),
                     ("ctdivol", reference.CtdiVolMGy), ("dlp", reference.DlpTotalMGyCm) })
            if (range is { } r && !(double.IsFinite(r.Minimum) && double.IsFinite(r.Maximum) && r.Minimum <= r.Maximum && r.Minimum >= 0))
                problems[name] = "A range is two numbers, 0 or more, the first not above the second.";
        if (reference.KvpSet.Any(k => !(k > 0 && double.IsFinite(k)))) problems["kvp"] = "Tube voltages are positive numbers of kV.";
        if ((await protocols.LoadCatalogueAsync(cancellationToken)).Find(reference.StandardProtocol) is null)
            problems["protocol"] = $"'{reference.StandardProtocol}' is not a standard protocol.";
        if (problems.Count > 0) return new EditResult(EditOutcome.Invalid, problems);
        var before = (await protocols.ListReferencesAsync(cancellationToken))
            .FirstOrDefault(r => string.Equals(r.StandardProtocol, reference.StandardProtocol, StringComparison.OrdinalIgnoreCase) && r.DeviceKey == reference.DeviceKey);
        var edited = reference with { EditedBy = actor };
        await protocols.SaveReferenceAsync(edited, cancellationToken);
        await AuditAsync(actor, ReferenceUpdate, $"reference:{reference.StandardProtocol}@{(reference.DeviceKey == "" ? "all devices" : reference.DeviceKey)}",
            before is null ? null : Show(before), Show(edited), cancellationToken);
        return EditResult.Saved;
    }

    /// <summary>
    /// "Learn from history": a proposal from the device's recent studies of the protocol (robust quantiles, see
    /// <see cref="ProtocolReferenceLearner"/>), not stored until the physicist saves it. Null with too little history.
    /// </summary>
    public async Task<ProtocolReference?> LearnReferenceAsync(string standardProtocol, string deviceKey, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var history = await protocols.DeviceHistoryAsync(deviceKey, null, "", settings.HistoryStudies, cancellationToken);
        return AlertEvaluator.LearnReference(await protocols.LoadCatalogueAsync(cancellationToken), standardProtocol, deviceKey, history, settings.ReferenceMinimumStudies);
    }

    /// <summary>Approves a raw name for one device (or every device with <paramref name="deviceKey"/> "").</summary>
    public async Task<EditResult> ApproveMappingAsync(string rawName, ProtocolNameSource source, string deviceKey, string standardProtocol, string actor,
        CancellationToken cancellationToken = default)
    {
        var catalogue = await protocols.LoadCatalogueAsync(cancellationToken);
        if (catalogue.Find(standardProtocol) is null)
            return new EditResult(EditOutcome.Invalid, new Dictionary<string, string> { ["protocol"] = $"'{standardProtocol}' is not a standard protocol." });
        var before = source switch
        {
            ProtocolNameSource.AcquisitionProtocol => catalogue.Resolve(deviceKey, rawName, null),
            ProtocolNameSource.StudyDescription => catalogue.Resolve(deviceKey, null, rawName),
            _ => catalogue.Resolve(deviceKey, null, null, rawName),
        };
        await protocols.MapAsync(rawName, source, deviceKey, standardProtocol, actor, cancellationToken);
        await AuditAsync(actor, MappingApprove, $"mapping:{rawName}@{(deviceKey == "" ? "all devices" : deviceKey)}",
            new { rawName, source = source.ToString(), deviceKey, standardProtocol = before.Standard?.Name }, new { rawName, source = source.ToString(), deviceKey, standardProtocol },
            cancellationToken);
        return EditResult.Saved;
    }

    private static object Show(ProtocolReference r) => new
    {
        r.StandardProtocol, r.DeviceKey, kvp = r.KvpSet.Order().ToList(), pitch = r.PitchFactor?.ToString(), collimationMm = r.TotalCollimationMm?.ToString(),
        events = r.EventCount?.ToString(), ctdiVolMGy = r.CtdiVolMGy?.ToString(), dlpMGyCm = r.DlpTotalMGyCm?.ToString(), targetRegion = r.TargetRegion?.ToString(),
        r.SampleSize, r.EditedBy,
    };

    private Task AuditAsync(string actor, string action, string target, object? before, object? after, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(actor, action, target, JsonSerializer.Serialize(new { old = before, @new = after })), ct);
}
