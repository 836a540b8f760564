using System.Data;
using System.Globalization;
using Dapper;

namespace DoseWatch.Data;

/// <summary>
/// Process-wide Dapper settings, registered once before the first connection is opened (Dapper's handlers are global).
/// Timestamps are <see cref="DateTimeOffset"/> in UTC on both engines: PostgreSQL stores <c>TIMESTAMPTZ</c>; SQLite stores
/// fixed-width ISO-8601 text (<c>yyyy-MM-dd HH:mm:ss.fffffff+00:00</c>) that sorts and compares correctly as text.
/// </summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        SqlMapper.AddTypeHandler(new UtcDateTimeOffsetHandler());
    }

    public const string SqliteTimestampFormat = "yyyy-MM-dd HH:mm:ss.fffffff'+00:00'";

    /// <summary>Formats a timestamp the way it is stored in SQLite, for SQL written by hand (e.g. in tests).</summary>
    public static string ToSqliteText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(SqliteTimestampFormat, CultureInfo.InvariantCulture);

    private sealed class UtcDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is Microsoft.Data.Sqlite.SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = ToSqliteText(value);
            }
            else
            {
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value.ToUniversalTime();
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name} '{value}'."),
        };
    }
}
