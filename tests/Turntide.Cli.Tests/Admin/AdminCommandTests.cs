using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Turntide.Cli.Admin;
using Turntide.Cli.Audit;
using Turntide.Server;

namespace Turntide.Cli.Tests.Admin;

/// <summary>The admin and audit commands on a data folder, and the server started on the same folder.</summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "turntide-cli-tests", Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(Command command, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var root = new RootCommand { command };
        int exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task CreateKeyPrintsTheKeyLastAndTheServerOnTheSameFolderAcceptsIt()
    {
        var org = await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Acme Video", "--kind", "platform");
        Assert.Equal(0, org.Exit);
        Assert.Contains("created organisation Acme Video (platform)", org.Out);
        var key = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "acme video", "--role", "analyst");
        Assert.Equal(0, key.Exit);
        var secret = key.Out.TrimEnd().Split('\n')[^1];
        Assert.Matches("^tt_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$", secret);

        await using var app = ServerApp.Build(["--urls", "http://127.0.0.1:0", $"--Turntide:DataDirectory={_data}"]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/banks")).StatusCode);
        await app.StopAsync();

        var revoke = await RunAsync(AdminCommand.Create(), "admin", "revoke-key", "--data", _data, "--key", secret[..15]);
        Assert.Equal(0, revoke.Exit);
        await using var again = ServerApp.Build(["--urls", "http://127.0.0.1:0", $"--Turntide:DataDirectory={_data}"]);
        await again.StartAsync();
        using var refused = new HttpClient { BaseAddress = new Uri(again.Urls.First()) };
        refused.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await refused.GetAsync("/api/v1/banks")).StatusCode);
        await again.StopAsync();
    }

    [Fact]
    public async Task RepairProvenanceOnADatabaseMadeSinceFindsNothingAndWritesNothing()
    {
        Assert.Equal(0, (await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Acme", "--kind", "platform")).Exit);
        long before = AuditEntries();
        var repair = await RunAsync(AdminCommand.Create(), "admin", "repair-provenance", "--data", _data);
        Assert.Equal((0, "provenance is complete: nothing to restore", ""), (repair.Exit, repair.Out.Trim(), repair.Err));
        Assert.Equal(before, AuditEntries());
    }

    [Fact]
    public async Task ADatabaseFromBeforeTheMigrationsWereSquashedIsRefusedWithWhatToDo()
    {
        Directory.CreateDirectory(_data);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "turntide.db")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE \"__EFMigrationsHistory\" (\"MigrationId\" TEXT PRIMARY KEY, \"ProductVersion\" TEXT NOT NULL);" +
                "INSERT INTO \"__EFMigrationsHistory\" VALUES ('20261129221635_Initial', '10.0.15');";
            command.ExecuteNonQuery();
        }
        var refused = await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Acme", "--kind", "platform");
        Assert.Equal(1, refused.Exit);
        Assert.StartsWith("turntide: The database was created by a development build", refused.Err);
        Assert.Contains("start from an empty database", refused.Err);
    }

    private long AuditEntries()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "turntide.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_entries";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task CreateKeyDefaultsToTheLeastPrivilegedRoleAndRotateKeyMakesAReplacement()
    {
        await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Gov", "--kind", "authority");
        var plain = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "Gov");
        Assert.Equal(0, plain.Exit);
        Assert.Contains($"as authority_officer, expiring {DateTime.UtcNow.AddDays(90):yyyy-MM-dd}", plain.Out);

        await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Acme", "--kind", "platform");
        var scoped = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "Acme", "--scope", "match", "--expires-days", "7", "--name", "uploads");
        Assert.Equal(0, scoped.Exit);
        Assert.Contains($"as moderator (scope match), expiring {DateTime.UtcNow.AddDays(7):yyyy-MM-dd}", scoped.Out);
        var old = scoped.Out.TrimEnd().Split('\n')[^1];

        var rotated = await RunAsync(AdminCommand.Create(), "admin", "rotate-key", "--data", _data, "--key", old[..15]);
        Assert.Equal(0, rotated.Exit);
        Assert.Contains($"to replace {old[..15]} (uploads)", rotated.Out);
        var replacement = rotated.Out.TrimEnd().Split('\n')[^1];
        Assert.Matches("^tt_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$", replacement);

        var tooLong = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "Acme", "--expires-days", "400");
        Assert.Equal(1, tooLong.Exit);
        Assert.Contains("1 to 365 days", tooLong.Err);
        var badScope = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "Acme", "--scope", "all");
        Assert.NotEqual(0, badScope.Exit);

        // Both keys work with the server until the old one is revoked; the replacement kept the match scope.
        await using var app = ServerApp.Build(["--urls", "http://127.0.0.1:0", $"--Turntide:DataDirectory={_data}"]);
        await app.StartAsync();
        async Task<HttpStatusCode> GetAsync(string key, string path)
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return (await client.GetAsync(path)).StatusCode;
        }
        var match = $"/api/v1/match?signal_type=md5&signal={new string('c', 32)}";
        Assert.Equal(HttpStatusCode.OK, await GetAsync(old, match));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(replacement, match));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(replacement, "/api/v1/banks"));
        await app.StopAsync();
    }

    [Fact]
    public async Task RefusalsAreOneLineErrorsWithANonZeroExit()
    {
        var kind = await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "X", "--kind", "bank");
        Assert.NotEqual(0, kind.Exit);
        Assert.Contains("bank", kind.Err);
        await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Gov", "--kind", "authority");
        var role = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "Gov", "--role", "analyst");
        Assert.Equal(1, role.Exit);
        Assert.Equal("turntide: Gov is an organisation of kind authority, which has no 'analyst' role: use admin, authority_officer.", role.Err.Trim());
        var missing = await RunAsync(AdminCommand.Create(), "admin", "create-key", "--data", _data, "--org", "Nobody", "--role", "admin");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("No organisation 'Nobody'", missing.Err);
    }

    [Fact]
    public async Task CreatePersonReadsThePasswordFromStandardInput()
    {
        await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", "Forum", "--kind", "forum");
        AdminCommand.PasswordInput = new StringReader("a long enough password\n");
        try
        {
            var person = await RunAsync(AdminCommand.Create(), "admin", "create-person", "--data", _data, "--org", "Forum",
                "--email", "Admin@Forum.Test", "--name", "Forum Admin", "--role", "admin", "--password-stdin");
            Assert.Equal(0, person.Exit);
            Assert.Contains("created admin@forum.test in Forum with roles admin", person.Out);
            Assert.DoesNotContain("password", person.Out);
        }
        finally
        {
            AdminCommand.PasswordInput = Console.In;
        }
        var generated = await RunAsync(AdminCommand.Create(), "admin", "create-person", "--data", _data, "--org", "Forum",
            "--email", "analyst@forum.test", "--name", "Analyst", "--role", "analyst");
        Assert.Matches("password \\(shown once\\): [A-Za-z0-9_-]{20}", generated.Out);
    }

    [Fact]
    public async Task AuditVerifyNamesTheFirstBadEntry()
    {
        for (int i = 0; i < 4; i++)
            await RunAsync(AdminCommand.Create(), "admin", "create-org", "--data", _data, "--name", $"Org {i}", "--kind", "platform");
        var intact = await RunAsync(AuditCommand.Create(), "audit", "verify", "--data", _data);
        Assert.Equal(0, intact.Exit);
        Assert.Contains("audit log intact: 4 entries", intact.Out);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "turntide.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_entries SET \"After\" = replace(\"After\", 'Org 2', 'Org Z') WHERE \"Sequence\" = 3";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        var broken = await RunAsync(AuditCommand.Create(), "audit", "verify", "--data", _data);
        Assert.Equal(1, broken.Exit);
        Assert.Contains("turntide: audit log broken at entry 3: entry 3 was altered", broken.Err);
    }
}
