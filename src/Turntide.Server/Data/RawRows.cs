using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Turntide.Server.Data;

/// <summary>
/// Plain SQL for the exchange's bulk paths (a snapshot of a million items, a node's resync), where EF's tracking and
/// per-row statements cost minutes. Values are stored as EF stores them: on SQLite a Guid is upper-case text and a
/// time is ISO text; PostgreSQL takes both natively.
/// </summary>
internal static class RawRows
{
    public static object Value(TurntideDb db, object? value) => value switch
    {
        null => DBNull.Value,
        Guid g when db.Database.IsSqlite() => g.ToString().ToUpperInvariant(),
        DateTime t when db.Database.IsSqlite() => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        bool b when db.Database.IsSqlite() => b ? 1 : 0,
        _ => value,
    };

    public static DbCommand Command(TurntideDb db, string sql, params object?[] values)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        for (int i = 0; i < values.Length; i++)
            AddParameter(db, command, "@p" + i, values[i]);
        return command;
    }

    public static void AddParameter(TurntideDb db, DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = Value(db, value);
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Inserts rows: on SQLite one prepared single-row statement run again with new values (it stays in process, so
    /// that is the fastest way); on PostgreSQL multi-row VALUES statements, a few hundred rows each, to save round trips.
    /// </summary>
    public static async Task InsertAsync(TurntideDb db, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
            return;
        string names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        if (db.Database.IsSqlite())
        {
            await using var single = Command(db, $"INSERT INTO {table} ({names}) VALUES ({string.Join(", ", columns.Select((_, i) => "@v" + i))})");
            for (int c = 0; c < columns.Length; c++)
                AddParameter(db, single, "@v" + c, rows[0][c]);
            single.Prepare();
            foreach (var row in rows)
            {
                for (int c = 0; c < columns.Length; c++)
                    single.Parameters[c].Value = Value(db, row[c]);
                await single.ExecuteNonQueryAsync(ct);
            }
            return;
        }
        int perStatement = Math.Max(1, 900 / columns.Length);
        string head = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ";
        for (int start = 0; start < rows.Count; start += perStatement)
        {
            int count = Math.Min(perStatement, rows.Count - start);
            await using var command = Command(db, "");
            var sql = new System.Text.StringBuilder(head);
            for (int r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (int c = 0; c < columns.Length; c++)
                {
                    string name = $"@v{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    AddParameter(db, command, name, rows[start + r][c]);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
