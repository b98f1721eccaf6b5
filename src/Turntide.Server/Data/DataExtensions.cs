using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Turntide.Server.Data;

internal static class DataExtensions
{
    /// <summary>Registers <see cref="TurntideDb"/> on the configured provider (shared by the server and <c>turntide admin</c>).</summary>
    public static IServiceCollection AddTurntideData(this IServiceCollection services, DataOptions options)
    {
        switch (options.DatabaseProvider.Trim().ToLowerInvariant())
        {
            case "sqlite":
                var sqlite = options.SqliteConnectionString;
                services.AddDbContextPool<TurntideDb, SqliteTurntideDb>((sp, o) => Intercepted(sp, o.UseSqlite(sqlite)));
                break;
            case "postgres" or "postgresql":
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    throw new InvalidOperationException("Turntide:DatabaseProvider is postgres but Turntide:ConnectionString is empty.");
                var postgres = options.ConnectionString;
                services.AddDbContextPool<TurntideDb, PostgresTurntideDb>((sp, o) => Intercepted(sp, o.UseNpgsql(postgres)));
                break;
            default:
                throw new InvalidOperationException($"Turntide:DatabaseProvider must be sqlite or postgres, not '{options.DatabaseProvider}'.");
        }
        return services;
    }

    /// <summary>
    /// Interceptors registered as services join every context: the server's write-health tracker, and the seam through
    /// which tests make writes fail as a full disk would.
    /// </summary>
    private static void Intercepted(IServiceProvider services, DbContextOptionsBuilder options)
    {
        var interceptors = services.GetServices<IInterceptor>().ToList();
        if (interceptors.Count > 0)
            options.AddInterceptors(interceptors);
    }

    /// <summary>
    /// Creates or upgrades the schema. For SQLite, also creates the data folder and switches the file to
    /// write-ahead logging, so readers never wait for the writer.
    /// </summary>
    public static async Task MigrateAsync(this TurntideDb db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
        {
            var builder = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            if (builder.Mode is not SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:")
            {
                var path = Path.GetFullPath(file);
                var folder = Path.GetDirectoryName(path);
                if (!string.IsNullOrEmpty(folder))
                    OwnerOnly.CreateFolder(folder);
                // Made empty and owner-only before SQLite opens it; SQLite gives the -wal and -shm files the
                // database file's permissions, so they are owner-only too.
                OwnerOnly.CreateFile(path);
                OwnerOnly.Narrow(path + "-wal");
                OwnerOnly.Narrow(path + "-shm");
            }
            await RefuseUnknownHistoryAsync(db, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        else
        {
            await RefuseUnknownHistoryAsync(db, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The migrations were squashed into one initial migration before the first release. A database made by an
    /// earlier development build has migrations applied but not this build's first one; migrating it would try to
    /// create tables that exist, so it is refused with what to do instead. (Migrations newer than this build, as a
    /// replica not yet upgraded sees them, are not refused.)
    /// </summary>
    private static async Task RefuseUnknownHistoryAsync(TurntideDb db, CancellationToken cancellationToken)
    {
        var first = db.Database.GetMigrations().First();
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (applied.Count > 0 && !applied.Contains(first, StringComparer.Ordinal))
            throw new InvalidOperationException(
                $"The database was created by a development build whose migrations ({string.Join(", ", applied.Take(2))}, ...) " +
                $"came before {first}. Nothing was released with them: start from an empty database (a new data folder, or a " +
                "new PostgreSQL database) and import the banks again.");
    }

    /// <summary>The SQLite journal mode, for tests and diagnostics.</summary>
    public static async Task<string> SqliteJournalModeAsync(this TurntideDb db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            return (string)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context SqliteTurntideDb</c> build the model without a running app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTurntideDb>
{
    public SqliteTurntideDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTurntideDb>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresTurntideDb</c> build the model without a database.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTurntideDb>
{
    public PostgresTurntideDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTurntideDb>().UseNpgsql("Host=127.0.0.1;Username=postgres").Options);
}
