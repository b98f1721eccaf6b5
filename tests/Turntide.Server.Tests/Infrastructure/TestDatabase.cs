using Npgsql;

namespace Turntide.Server.Tests.Infrastructure;

/// <summary>
/// A fresh database for one test server: a SQLite file in a temporary folder, or a new database in the
/// throw-away PostgreSQL cluster that ./test.sh starts (its connection string in TURNTIDE_TEST_POSTGRES).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
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

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "turntide-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        if (provider == "sqlite")
            return new TestDatabase(provider, folder, null, null);
        if (provider != "postgres")
            throw new ArgumentException($"Unknown provider {provider}", nameof(provider));

        var server = Environment.GetEnvironmentVariable(PostgresVariable);
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
            await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
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
