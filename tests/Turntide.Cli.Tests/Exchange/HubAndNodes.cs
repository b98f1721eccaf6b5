using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Turntide.Cli.Admin;

namespace Turntide.Cli.Tests.Exchange;

/// <summary>
/// A hub and two platform nodes, each its own <c>turntide serve</c> process with its own SQLite database, talking real
/// HTTP on loopback. Node A's organisation is named on the private bank; node C's is not. Nodes poll only every 300 s,
/// so anything that reaches them sooner came by push.
/// </summary>
public sealed class HubAndNodes : IAsyncLifetime
{
    public const string SharedBank = "SHARED";
    public const string PrivateBank = "PRIVATE";
    public const int FloodThreshold = 20;

    private readonly string _root = Directory.CreateTempSubdirectory("turntide-exchange-").FullName;

    internal ServerProcess Hub { get; private set; } = null!;
    internal ServerProcess NodeA { get; private set; } = null!;
    internal ServerProcess NodeC { get; private set; } = null!;
    public string ForumKey { get; private set; } = "";
    public string HubKeyA { get; private set; } = "";
    public string HubKeyB { get; private set; } = "";
    public string HubKeyC { get; private set; } = "";
    public string NodeKeyA { get; private set; } = "";
    public string NodeKeyC { get; private set; } = "";
    public Guid OrganisationA { get; private set; }
    public Guid OrganisationC { get; private set; }
    /// <summary>A moderator of Platform C who signs in to node C's pages.</summary>
    public string PersonEmailC { get; } = "moderator@platform-c.test";
    public string PersonPasswordC { get; private set; } = "";
    public Guid PrivateBankId { get; private set; }

    public async Task InitializeAsync()
    {
        string hubData = Path.Combine(_root, "hub"), dataA = Path.Combine(_root, "node-a"), dataC = Path.Combine(_root, "node-c");
        await Admin("create-org", "--data", hubData, "--name", "Forum", "--kind", "forum");
        ForumKey = await Key(hubData, "Forum", "admin");
        foreach (var org in new[] { "Platform A", "Platform B", "Platform C" })
            await Admin("create-org", "--data", hubData, "--name", org, "--kind", "platform");
        // The members' keys on the hub have the node scope: what a node needs is all it gets.
        HubKeyA = await Key(hubData, "Platform A", "analyst", "node");
        HubKeyB = await Key(hubData, "Platform B", "analyst", "node");
        HubKeyC = await Key(hubData, "Platform C", "analyst", "node");
        await Admin("create-org", "--data", dataA, "--name", "Platform A", "--kind", "platform");
        NodeKeyA = await Key(dataA, "Platform A", "analyst");
        await Admin("create-org", "--data", dataC, "--name", "Platform C", "--kind", "platform");
        NodeKeyC = await Key(dataC, "Platform C", "analyst");
        await Admin("create-person", "--data", dataC, "--org", "Platform C", "--email", PersonEmailC, "--name", "C moderator", "--role", "moderator");
        PersonPasswordC = s_lastOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(": ", 2)[1].Trim();
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(hubData, "turntide.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"Id\" FROM organisations WHERE \"Name\" = 'Platform A'";
            OrganisationA = Guid.Parse((string)(await command.ExecuteScalarAsync())!);
            command.CommandText = "SELECT \"Id\" FROM organisations WHERE \"Name\" = 'Platform C'";
            OrganisationC = Guid.Parse((string)(await command.ExecuteScalarAsync())!);
        }

        Hub = new ServerProcess("hub", "hub", hubData, new Dictionary<string, string>
        {
            ["Turntide__QuarantineFloodMatches"] = FloodThreshold.ToString(),
            ["Turntide__QuarantineDisagreements"] = "2",
        });
        await Hub.StartAsync();
        using (var forum = Hub.Client(ForumKey))
        {
            await Ok(await forum.PostAsJsonAsync("/api/v1/banks", new { name = SharedBank, @private = false }));
            var bank = await Ok(await forum.PostAsJsonAsync("/api/v1/banks", new { name = PrivateBank }));
            PrivateBankId = bank.GetProperty("id").GetGuid();
            await Ok(await forum.PutAsJsonAsync($"/api/v1/banks/{PrivateBank}/sharing", new { @private = true, members = new[] { OrganisationA } }));
        }
        NodeA = Node("node A", dataA, HubKeyA);
        NodeC = Node("node C", dataC, HubKeyC);
        await Task.WhenAll(NodeA.StartAsync(), NodeC.StartAsync());
    }

    private ServerProcess Node(string name, string data, string hubKey) => new(name, "node", data, new Dictionary<string, string>
    {
        ["Turntide__Hub__Url"] = Hub.Url,
        ["Turntide__Hub__ApiKey"] = hubKey,
        ["Turntide__Hub__PollSeconds"] = "300",
        ["Turntide__Hub__MatchReportSeconds"] = "0.5",
    });

    public async Task DisposeAsync()
    {
        await Task.WhenAll(NodeA.StopAsync(), NodeC.StopAsync(), Hub.StopAsync());
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    /// <summary>Reads a node's own database file, as an operator would with sqlite3.</summary>
    internal static async Task<long> CountAsync(ServerProcess node, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(node.Data, "turntide.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    internal static async Task ExecuteAsync(ServerProcess node, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(node.Data, "turntide.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A browser-like client signed in to a server's pages (cookie and antiforgery token, no redirects followed).</summary>
    internal static async Task<HttpClient> SignInAsync(ServerProcess server, string email, string password)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(30),
        };
        var form = await client.GetStringAsync("/signin");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        var response = await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in to {server.Name} as {email} failed: {(int)response.StatusCode}");
        return client;
    }

    internal static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task Admin(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var root = new RootCommand { AdminCommand.Create() };
        int exit = await root.Parse(["admin", .. args]).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        if (exit != 0)
            throw new InvalidOperationException($"turntide admin {string.Join(' ', args)}: {stderr}");
        s_lastOutput = stdout.ToString();
    }

    private static string s_lastOutput = "";

    private static async Task<string> Key(string data, string org, string role, string? scope = null)
    {
        await Admin(scope is null ? ["create-key", "--data", data, "--org", org, "--role", role]
            : ["create-key", "--data", data, "--org", org, "--role", role, "--scope", scope]);
        return s_lastOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
    }
}
