using Microsoft.EntityFrameworkCore;
using Npgsql;
using Turntide.Server.Data;

namespace Turntide.Testing;

/// <summary>
/// A fresh database for one test server: a SQLite file in a temporary folder, or a new database in the
/// throw-away PostgreSQL cluster that ./test.sh starts (its connection string in TURNTIDE_TEST_POSTGRES).
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "TURNTIDE_TEST_POSTGRES";

    /// <summary>The providers every data test runs on.</summary>
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private TestDatabase(string provider, string dataDirectory, string? connectionString, string? postgresName)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        _postgresName = postgresName;
    }

    private readonly string? _postgresName;

    public string Provider { get; }
    public string DataDirectory { get; }
    public string? ConnectionString { get; }

    public IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        yield return new("Turntide:DataDirectory", DataDirectory);
        yield return new("Turntide:DatabaseProvider", Provider);
        if (ConnectionString is not null)
            yield return new("Turntide:ConnectionString", ConnectionString);
    }

    /// <summary>The same settings as environment variables, for a <c>turntide</c> process on this database.</summary>
    public Dictionary<string, string> Environment() =>
        Settings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");

    /// <summary>
    /// A context on this database without a server, for arranging rows as an older build left them or reading the
    /// schema; the caller migrates it (<see cref="DataExtensions.MigrateAsync"/>) if it needs the tables.
    /// </summary>
    public TurntideDb OpenContext()
    {
        if (Provider == "postgres")
            return new PostgresTurntideDb(new DbContextOptionsBuilder<PostgresTurntideDb>().UseNpgsql(ConnectionString).Options);
        var file = Path.Combine(DataDirectory, "turntide.db");
        return new SqliteTurntideDb(new DbContextOptionsBuilder<SqliteTurntideDb>().UseSqlite($"Data Source={file}").Options);
    }

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "turntide-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        if (provider == "sqlite")
            return new TestDatabase(provider, folder, null, null);
        if (provider != "postgres")
            throw new ArgumentException($"Unknown provider {provider}", nameof(provider));

        var server = System.Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"The PostgreSQL tests need {PostgresVariable} (a connection string to a server where databases may be created). " +
                "./test.sh starts a throw-away PostgreSQL 15 cluster and sets it; see scripts/test-postgres.sh.");
        var name = "tt_" + Guid.NewGuid().ToString("n")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(provider, folder, builder.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(System.Environment.GetEnvironmentVariable(PostgresVariable));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
