using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Turntide.Cli.Tests.Banks;

/// <summary><c>turntide bank import|export</c> against a real hub process on a loopback port, as an operator runs them.</summary>
public sealed class BankCommandTests(BankCommandTests.Hub hub) : IClassFixture<BankCommandTests.Hub>
{
    private const string First = "d8f871cce0f4e84d8a370a32028f63f4b36e27d597621e1d33e6b39c4e9c9b24";
    private const string Second = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly string _folder = hub.NewFolder();

    /// <summary>One hub process for these tests, with a platform's analyst and moderator keys and two banks.</summary>
    public sealed class Hub : IAsyncLifetime
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "turntide-bank-cli-tests", Guid.NewGuid().ToString("n"));
        private ServerProcess? _server;
        public string Url { get; private set; } = "";
        public string AnalystKey { get; private set; } = "";
        public string ModeratorKey { get; private set; } = "";

        private string Data => Path.Combine(_folder, "data");

        public string NewFolder()
        {
            var folder = Path.Combine(_folder, Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(folder);
            return folder;
        }

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_folder);
            Assert.Equal(0, Run(_folder, null, "admin", "create-org", "--data", Data, "--name", "Platform One", "--kind", "platform").ExitCode);
            AnalystKey = Run(_folder, null, "admin", "create-key", "--data", Data, "--org", "Platform One", "--role", "analyst").OutLines[^1].Trim();
            ModeratorKey = Run(_folder, null, "admin", "create-key", "--data", Data, "--org", "Platform One", "--role", "moderator").OutLines[^1].Trim();

            _server = new ServerProcess("hub", "hub", Data);
            await _server.StartAsync();
            Url = _server.Url;
            using var client = _server.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AnalystKey);
            foreach (var bank in new[] { "PARTNER", "OTHER" })
                Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/banks", new { name = bank })).StatusCode);
        }

        public async Task DisposeAsync()
        {
            if (_server is not null)
                await _server.DisposeAsync();
            try { Directory.Delete(_folder, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void ImportPrintsTheReportAndExportWritesTheBankBack()
    {
        var keyFile = Path.Combine(_folder, "analyst.key");
        File.WriteAllText(keyFile, hub.AnalystKey + "\n");
        var csv = Path.Combine(_folder, "partner.csv");
        File.WriteAllText(csv, "signal_type,signal,labels,note\r\n"
            + $"pdq,{First},severity:crisis;behaviour:threat,\"seen twice, confirmed\"\r\n"
            + "pdq,nothex,,\r\n"
            + $"pdq,{Second},,\r\n");

        var import = Run(null, "bank", "import", csv, "--bank", "PARTNER", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(1, import.ExitCode); // one line failed
        Assert.Contains($"{csv}: 3 lines read, 2 added, 0 duplicates skipped, 1 failed (bank PARTNER, csv)", import.StdOut);
        Assert.Contains($"{csv}:3: Malformed pdq signal", import.StdErr);
        Assert.DoesNotContain(hub.AnalystKey, import.StdOut + import.StdErr);

        // Again, with the key from the environment: every line is now a duplicate or the same failure.
        var again = Run(new() { ["TURNTIDE_API_KEY"] = hub.AnalystKey }, "bank", "import", csv, "--bank", "PARTNER", "--server", hub.Url);
        Assert.Contains("3 lines read, 0 added, 2 duplicates skipped, 1 failed", again.StdOut);

        var output = Path.Combine(_folder, "out.jsonl");
        var export = Run(null, "bank", "export", "--bank", "PARTNER", "--output", output, "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(0, export.ExitCode);
        var lines = File.ReadAllLines(output);
        Assert.Equal(2, lines.Length);
        Assert.Contains($$"""{"signal_type":"pdq","signal":"{{First}}","labels":["behaviour:threat","severity:crisis"],"note":"seen twice, confirmed"}""", lines);

        // A hash list of the same PDQ hashes (its extension says the format) adds nothing new.
        var list = Path.Combine(_folder, "hashes.txt");
        File.WriteAllText(list, $"{First},100,photo.jpg\n{Second}\n");
        var hashes = Run(null, "bank", "import", list, "--bank", "PARTNER", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(0, hashes.ExitCode);
        Assert.Contains("2 lines read, 0 added, 2 duplicates skipped, 0 failed (bank PARTNER, hashlist)", hashes.StdOut);
        var stdout = Run(null, "bank", "export", "--bank", "PARTNER", "--format", "csv", "--status", "all", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(0, stdout.ExitCode);
        Assert.StartsWith("signal_type,signal,labels,note", stdout.StdOut);
        Assert.Equal(3, stdout.OutLines.Length);
    }

    [Fact]
    public void AnImportOfAJsonLinesFileIntoAnotherBankAddsEveryLine()
    {
        var keyFile = Path.Combine(_folder, "analyst.key");
        File.WriteAllText(keyFile, hub.AnalystKey);
        var jsonl = Path.Combine(_folder, "items.ndjson");
        File.WriteAllText(jsonl, $$"""{"signal_type":"pdq","signal":"{{First}}","labels":["severity:crisis"],"note":"a"}""" + "\n"
            + $$"""{"signal_type":"md5","signal":"{{First[..32]}}"}""" + "\n");
        var import = Run(null, "bank", "import", jsonl, "--bank", "OTHER", "--server", hub.Url, "--api-key-file", keyFile, "--quiet");
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("2 lines read, 2 added, 0 duplicates skipped, 0 failed (bank OTHER, jsonl)", import.StdOut);
        Assert.Equal("", import.StdErr);
    }

    [Fact]
    public void AWrongRoleAMissingKeyAndAnUnknownFormatAreRefusedWithTheirExitCodes()
    {
        var csv = Path.Combine(_folder, "one.csv");
        File.WriteAllText(csv, $"signal_type,signal,labels,note\r\npdq,{First},,\r\n");
        var keyFile = Path.Combine(_folder, "moderator.key");
        File.WriteAllText(keyFile, hub.ModeratorKey);

        var moderator = Run(null, "bank", "import", csv, "--bank", "PARTNER", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(1, moderator.ExitCode);
        Assert.Contains("403", moderator.StdErr);
        Assert.DoesNotContain(hub.ModeratorKey, moderator.StdOut + moderator.StdErr);

        var noKey = Run(new() { ["TURNTIDE_API_KEY"] = "" }, "bank", "import", csv, "--bank", "PARTNER", "--server", hub.Url);
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("no API key", noKey.StdErr);

        var odd = Path.Combine(_folder, "items.xml");
        File.WriteAllText(odd, "<x/>");
        var unknown = Run(null, "bank", "import", odd, "--bank", "PARTNER", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--format", unknown.StdErr);

        var badFormat = Run(null, "bank", "import", csv, "--bank", "PARTNER", "--format", "xml", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(2, badFormat.ExitCode);

        var wrongKey = Path.Combine(_folder, "wrong.key");
        File.WriteAllText(wrongKey, "tt_nonexistent0_" + new string('a', 43));
        var unauthorised = Run(null, "bank", "export", "--bank", "PARTNER", "--server", hub.Url, "--api-key-file", wrongKey);
        Assert.Equal(1, unauthorised.ExitCode);
        Assert.Contains("401", unauthorised.StdErr);
        Assert.DoesNotContain("aaaaaaaaaa", unauthorised.StdErr);

        var noBank = Run(null, "bank", "export", "--bank", "NO_SUCH_BANK", "--server", hub.Url, "--api-key-file", keyFile);
        Assert.Equal(1, noBank.ExitCode);
        Assert.Contains("404", noBank.StdErr);
    }

    private CliProcess.Result Run(Dictionary<string, string>? environment, params string[] args) => Run(_folder, environment, args);

    /// <summary>The CLI project's own build, as a user would run it against a server.</summary>
    private static CliProcess.Result Run(string folder, Dictionary<string, string>? environment, params string[] args) =>
        CliProcess.Run(BuiltCli.Assembly(), folder, environment, args);
}
