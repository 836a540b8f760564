namespace DoseWatch.Data.Repositories;

/// <summary>
/// The distinct values of an indexed studies column, one index seek per value: a recursive CTE whose each step is "the
/// next value after this one" (a MIN() either engine answers by one seek), where DISTINCT or GROUP BY reads every study.
/// Neither SQLite nor PostgreSQL skip-scans by itself.
/// </summary>
internal static class StudySkipScan
{
    /// <summary>
    /// A recursive common table <paramref name="name"/> (v) of the distinct non-NULL values of studies.<paramref name="column"/>
    /// (above <paramref name="above"/>, an SQL literal, when given), ascending, ending with one NULL row: read it
    /// <c>WHERE v IS NOT NULL</c>. Goes after <c>WITH RECURSIVE</c>.
    /// </summary>
    public static string DistinctValues(string name, string column, string? above = null) => $"""
        {name} (v) AS (
            SELECT MIN({column}) FROM studies{(above is null ? "" : $" WHERE {column} > {above}")}
            UNION ALL
            SELECT (SELECT MIN(s.{column}) FROM studies s WHERE s.{column} > {name}.v) FROM {name} WHERE {name}.v IS NOT NULL
        )
        """;
}
