using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Turntide.Server.Data;

namespace Turntide.Server.Tests.Data;

/// <summary>
/// One initial migration per provider, and it agrees with the model: on an empty SQLite and an empty PostgreSQL
/// database, migrating leaves nothing pending, the snapshot matches the model, and the schema the migration builds is
/// the schema the model builds on its own (tables, columns, keys, indexes and foreign keys, compared by name).
/// </summary>
public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheOneInitialMigrationBuildsTheSchemaTheModelDescribes(string provider)
    {
        await using var migrated = await TestDatabase.CreateAsync(provider);
        await using var fromModel = await TestDatabase.CreateAsync(provider);
        await using var db = migrated.OpenContext();
        await db.MigrateAsync();

        var migrations = db.Database.GetMigrations().ToList();
        Assert.Single(migrations);
        Assert.EndsWith("_Initial", migrations[0], StringComparison.Ordinal);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changed since the initial migration: regenerate it (docs/testing.md).");

        await using var other = fromModel.OpenContext();
        Assert.True(await other.Database.EnsureCreatedAsync());
        var schema = await SchemaAsync(db);
        Assert.Contains(schema, line => line.StartsWith("bank_contents column", StringComparison.Ordinal));
        Assert.Contains(schema, line => line.StartsWith("bank_contents index", StringComparison.Ordinal));
        Assert.Equal(await SchemaAsync(other), schema);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ADatabaseFromBeforeTheSquashIsRefusedWithWhatToDo(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenContext();
        // What a development build before the squash left: its own first migration recorded, not this build's.
        var history = db.GetService<IHistoryRepository>();
        await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript());
        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow("20261129221635_Initial", "10.0.15")));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.MigrateAsync());
        Assert.Contains("20261129221635_Initial", refused.Message);
        Assert.Contains("start from an empty database", refused.Message);
        Assert.DoesNotContain("bank_contents", await TablesAsync(db));
    }

    private static async Task<List<string>> TablesAsync(TurntideDb db) =>
        db.Database.IsSqlite()
            ? await RowsAsync(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            : await RowsAsync(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");

    /// <summary>The schema as sorted lines, one per column, index, key and foreign key, without EF's own history and lock tables.</summary>
    private static async Task<List<string>> SchemaAsync(TurntideDb db)
    {
        var lines = new List<string>();
        if (db.Database.IsSqlite())
        {
            foreach (var table in (await TablesAsync(db)).Where(t => !t.StartsWith("__EFMigrations", StringComparison.Ordinal)))
            {
                lines.AddRange((await RowsAsync(db, $"SELECT name || ' ' || type || ' notnull=' || \"notnull\" || ' pk=' || pk FROM pragma_table_info('{table}')"))
                    .Select(c => $"{table} column {c}"));
                lines.AddRange((await RowsAsync(db, $"SELECT name || ' unique=' || \"unique\" || ' ' || origin FROM pragma_index_list('{table}')"))
                    .Select(i => $"{table} index {i}"));
                lines.AddRange((await RowsAsync(db, $"SELECT il.name || ': ' || group_concat(ii.name, ',') FROM pragma_index_list('{table}') il, pragma_index_info(il.name) ii GROUP BY il.name"))
                    .Select(i => $"{table} index columns {i}"));
                lines.AddRange((await RowsAsync(db, $"SELECT \"from\" || ' -> ' || \"table\" || '.' || \"to\" || ' on delete ' || on_delete FROM pragma_foreign_key_list('{table}')"))
                    .Select(f => $"{table} foreign key {f}"));
            }
        }
        else
        {
            lines.AddRange(await RowsAsync(db, """
                SELECT table_name || ' column ' || column_name || ' ' || data_type || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '')
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EFMigrations%'
                """));
            lines.AddRange(await RowsAsync(db, """
                SELECT tablename || ' index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EFMigrations%'
                """));
            lines.AddRange(await RowsAsync(db, """
                SELECT conrelid::regclass::text || ' constraint ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '"\_\_EFMigrations%'
                """));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> RowsAsync(TurntideDb db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(reader.GetString(0));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
