using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// The study-totals read selects only the accumulated-dose columns (and, in the save's refresh, only the objects that
/// report one): a column that <see cref="DoseRecordRepository.ReadAccumulated"/> reads but the list leaves out would
/// silently read as "not reported".
/// </summary>
public sealed class AccumulatedColumnsFacts
{
    [Fact]
    public void Every_accumulated_value_is_read_from_its_own_column_of_the_selected_list()
    {
        var row = DoseRecordRepository.AccumulatedColumns.Select((column, i) => (column, value: (object?)(i + 1.5)))
            .ToDictionary(c => c.column, c => c.value);
        var read = DoseRecordRepository.ReadAccumulated(row);
        var values = typeof(AccumulatedDose).GetProperties().Where(p => p.PropertyType == typeof(double?)).Select(p => (double?)p.GetValue(read)).ToList();
        Assert.Equal(DoseRecordRepository.AccumulatedColumns.Count, values.Count);
        Assert.All(values, v => Assert.NotNull(v));
        Assert.Equal(values.Count, values.Distinct().Count());
    }
}
