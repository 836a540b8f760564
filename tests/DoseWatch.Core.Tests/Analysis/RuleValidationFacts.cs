using DoseWatch.Core.Analysis;

namespace DoseWatch.Core.Tests.Analysis;

public sealed class RuleValidationFacts
{
    private static Rule Default(string name) => DefaultRules.All.Single(r => r.Name == name);

    private static Rule With(Rule rule, string key, string value) =>
        rule with { Parameters = new Dictionary<string, string>(rule.Parameters) { [key] = value } };

    [Fact]
    public void Every_default_rule_is_valid()
    {
        Assert.All(DefaultRules.All, r => Assert.Empty(RuleValidation.Problems(r)));
    }

    [Fact]
    public void Typos_in_the_form_are_refused_field_by_field()
    {
        var cumulative = Default("Cumulative DAP over 12 weeks");
        Assert.Equal([RuleParameters.WindowDays], RuleValidation.Problems(With(cumulative, RuleParameters.WindowDays, "12 weeks")).Keys);
        Assert.Equal([RuleParameters.WindowDays], RuleValidation.Problems(With(cumulative, RuleParameters.WindowDays, "0")).Keys);
        Assert.Equal([RuleParameters.Quantity], RuleValidation.Problems(With(cumulative, RuleParameters.Quantity, "kerma")).Keys);
        Assert.Equal(["threshold"], RuleValidation.Problems(cumulative with { Threshold = -1 }).Keys);
        Assert.Equal(["threshold"], RuleValidation.Problems(cumulative with { Threshold = double.NaN }).Keys);
        Assert.Equal(["name"], RuleValidation.Problems(cumulative with { Name = " " }).Keys);

        var outlier = Default("CTDIvol outlier");
        Assert.Equal([RuleParameters.MinimumSampleSize], RuleValidation.Problems(With(outlier, RuleParameters.MinimumSampleSize, "-3")).Keys);
        Assert.Empty(RuleValidation.Problems(With(outlier with { Threshold = 4.5 }, RuleParameters.MinimumSampleSize, "30")));

        Assert.Equal([RuleParameters.Table], RuleValidation.Problems(With(Default("MR SAR above the IEC limit"), RuleParameters.Table, "mr-sra")).Keys);
        Assert.Equal([RuleParameters.Check], RuleValidation.Problems(With(Default("kVp outside the protocol's set"), RuleParameters.Check, "kv")).Keys);
        var drl = Default("Local DRL (75th percentile) DLP");
        Assert.Equal([RuleParameters.Percentile], RuleValidation.Problems(With(drl, RuleParameters.Percentile, "175")).Keys);
        // A national rule without an examination takes each study's own row; it compares CTDIvol or DLP only.
        Assert.Empty(RuleValidation.Problems(With(drl, RuleParameters.Source, "national")));
        Assert.Empty(RuleValidation.Problems(Default("National DRL: CTDIvol per sequence")));
        Assert.Equal([RuleParameters.Quantity], RuleValidation.Problems(With(Default("National DRL: DLP per examination"), RuleParameters.Quantity, "dap")).Keys);
    }
}
