using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Transfer;

namespace Turntide.Server.Tests.Transfer;

/// <summary>Bank import and export over real HTTP: formats and their edge cases, limits, audit entries, and who may do it.</summary>
public sealed class TransferTests
{
    private static string Pdq(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string Md5(int seed) => Pdq(seed)[..32];

    private static HttpContent Body(string text, string contentType) =>
        new ByteArrayContent(Encoding.UTF8.GetBytes(text)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    private static HttpContent Body(byte[] bytes, string contentType) =>
        new ByteArrayContent(bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    private static async Task<ImportReport> ImportAsync(HttpClient client, string bank, string format, HttpContent body)
    {
        var response = await client.PostAsync($"/api/v1/banks/{bank}/import?format={format}", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
    }

    private static Task<ImportReport> ImportCsvAsync(HttpClient client, string bank, string csv) =>
        ImportAsync(client, bank, "csv", Body(csv, "text/csv"));

    private static async Task<string> ExportAsync(HttpClient client, string bank, string format, string? status = null)
    {
        var response = await client.GetAsync($"/api/v1/banks/{bank}/export?format={format}" + (status is null ? "" : $"&status={status}"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Every item of a bank as (type, value, labels, note), from the content API.</summary>
    private static async Task<List<string>> ItemsAsync(HttpClient client, string bank)
    {
        var all = new List<string>();
        for (int skip = 0; ; skip += 200)
        {
            var page = (await client.GetFromJsonAsync<ContentPage>($"/api/v1/banks/{bank}/content?skip={skip}&take=200", Json.Options))!;
            all.AddRange(page.Items.Select(i => $"{string.Join("+", i.Signals.Select(s => s.SignalType + ":" + s.Value))}|{string.Join(";", i.Labels)}|{i.Note}|{i.Status}"));
            if (page.Items.Count < 200)
                return [.. all.Order(StringComparer.Ordinal)];
        }
    }

    private static async Task<(TestServer Server, HttpClient Curator)> StartAsync(string provider = "sqlite", IDictionary<string, string?>? settings = null,
        params string[] banks)
    {
        var server = await TestServer.StartAsync(provider, settings: settings);
        var curator = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        foreach (var bank in banks)
            Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = bank, @private = false })).StatusCode);
        return (server, curator);
    }

    private const string Header = "signal_type,signal,labels,note\r\n";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACsvExportImportedIntoAnEmptyBankGivesTheSameItems(string provider)
    {
        var (server, curator) = await StartAsync(provider, new Dictionary<string, string?> { ["Turntide:ImportBatchSize"] = "100" }, "SOURCE", "COPY");
        await using var _ = server;
        var csv = new StringBuilder(Header);
        csv.Append($"pdq,{Pdq(1)},severity:crisis;behaviour:threat,\"a note, with a comma and \"\"quotes\"\"\nand a line break\"\r\n");
        csv.Append($"md5,{Md5(2).ToUpperInvariant()},severity:crisis,plain\r\n");
        csv.Append($"sha256,{Pdq(3)},,\r\n");
        for (int i = 10; i < 310; i++)
            csv.Append($"pdq,{Pdq(i)},severity:crisis,item {i}\r\n");
        var first = await ImportCsvAsync(curator, "SOURCE", csv.ToString());
        Assert.Equal((303L, 303, 0, 0), (first.Lines, first.Added, first.Duplicates, first.Failed));

        var exported = await ExportAsync(curator, "SOURCE", "csv");
        Assert.StartsWith(Header, exported);
        var copy = await ImportCsvAsync(curator, "COPY", exported);
        Assert.Equal((303, 0), (copy.Added, copy.Failed));
        var source = await ItemsAsync(curator, "SOURCE");
        Assert.Equal(303, source.Count);
        Assert.Equal(source, await ItemsAsync(curator, "COPY"));
        Assert.Contains($"pdq:{Pdq(1)}|behaviour:threat;severity:crisis|a note, with a comma and \"quotes\"\nand a line break|enabled", source);
        Assert.Contains($"md5:{Md5(2)}|severity:crisis|plain|enabled", source);
        // Export lists items in the order they were added, so the copy exports as the same file.
        Assert.Equal(exported, await ExportAsync(curator, "COPY", "csv"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AJsonLinesExportImportedIntoAnEmptyBankGivesTheSameItems(string provider)
    {
        var (server, curator) = await StartAsync(provider, null, "SOURCE", "COPY");
        await using var _ = server;
        var lines = new StringBuilder();
        lines.Append($$"""{"signal_type":"pdq","signal":"{{Pdq(1)}}","labels":["severity:crisis","behaviour:threat"],"note":"ünïcode \"quoted\"\nline"}""").Append('\n');
        lines.Append($$"""{"signal_type":"md5","signal":"{{Md5(2)}}"}""").Append('\n');
        for (int i = 10; i < 30; i++)
            lines.Append($$"""{"signal_type":"pdq","signal":"{{Pdq(i)}}","labels":["severity:crisis"],"note":"n{{i}}"}""").Append('\n');
        var first = await ImportAsync(curator, "SOURCE", "jsonl", Body(lines.ToString(), "application/x-ndjson"));
        Assert.Equal((22L, 22, 0), (first.Lines, first.Added, first.Failed));

        var exported = await ExportAsync(curator, "SOURCE", "jsonl");
        Assert.Equal(22, exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($$"""{"signal_type":"md5","signal":"{{Md5(2)}}","labels":[],"note":""}""", exported);
        var copy = await ImportAsync(curator, "COPY", "jsonl", Body(exported, "application/x-ndjson"));
        Assert.Equal((22, 0), (copy.Added, copy.Failed));
        var source = await ItemsAsync(curator, "SOURCE");
        Assert.Equal(source, await ItemsAsync(curator, "COPY"));
        Assert.Contains($"pdq:{Pdq(1)}|behaviour:threat;severity:crisis|ünïcode \"quoted\"\nline|enabled", source);
    }

    [Fact]
    public async Task AHashListImportsEachLineAsAPdqItemWithItsMetaAsTheNote()
    {
        var (server, curator) = await StartAsync("sqlite", null, "TE");
        await using var _ = server;
        var list = $"{Pdq(1)},100,photos/one.jpg\r\n\r\n{Pdq(2).ToUpperInvariant()}\n{Pdq(3)} , from a partner \nnot-a-hash,1\n{Pdq(1)},again";
        var report = await ImportAsync(curator, "TE", "hashlist", Body(list, "text/plain"));
        Assert.Equal((5L, 3, 1, 1), (report.Lines, report.Added, report.Duplicates, report.Failed));
        var error = Assert.Single(report.Errors);
        Assert.Equal(5, error.Line);
        Assert.Contains("pdq", error.Message);
        Assert.Equal([$"pdq:{Pdq(1)}||100,photos/one.jpg|enabled", $"pdq:{Pdq(2)}|||enabled", $"pdq:{Pdq(3)}||from a partner|enabled"],
            (await ItemsAsync(curator, "TE")).OrderBy(s => s.Contains(Pdq(1)) ? 0 : s.Contains(Pdq(2)) ? 1 : 2));
    }

    [Fact]
    public async Task CsvEdgeCasesAreReadOrReportedByLine()
    {
        var (server, curator) = await StartAsync("sqlite", new Dictionary<string, string?> { ["Turntide:MaxImportLineBytes"] = "512" }, "EDGE");
        await using var _ = server;
        var csv = "\uFEFF" + Header                                   // 1: header after a byte order mark
            + $"pdq,{Pdq(1)},severity:crisis,ok\r\n"                    // 2
            + "\r\n"                                                    // 3: blank
            + $"pdq,{Pdq(2)[..60]}zzzz,,bad hex\r\n"                   // 4
            + $"pdq,{Pdq(3)},entity:nobody-knows,unknown label\r\n"     // 5
            + $"md5,{Md5(4)},severity:crisis behaviour:threat,space separated labels\n" // 6: LF only
            + $"pdq,{Pdq(5)},,\"{new string('x', 600)}\"\r\n"           // 7: longer than the line limit
            + $"pdq,{Pdq(6)},,too,many\r\n"                             // 8: more fields than the header
            + $"phash,{Pdq(7)},,\r\n"                                   // 9: unknown signal type
            + $"pdq,{Pdq(1)},,duplicate of line 2\r\n"                  // 10
            + $"md5,{Md5(8)},NOT A LABEL!,\r\n"                         // 11
            + $"md5,{Md5(9)},severity:crisis,\"quoted, \"\"fine\"\"\"";  // 12: no final line break
        var report = await ImportCsvAsync(curator, "EDGE", csv);
        Assert.Null(report.Stopped);
        Assert.Equal((3, 1), (report.Added, report.Duplicates));
        Assert.Equal([4L, 5, 7, 8, 9, 11], report.Errors.Select(e => e.Line));
        Assert.Equal(6, report.Failed);
        Assert.Contains("Malformed pdq signal", report.Errors[0].Message);
        Assert.Contains("Not in the taxonomy", report.Errors[1].Message);
        Assert.Contains("512", report.Errors[2].Message);
        Assert.Contains("number of fields", report.Errors[3].Message);
        Assert.Contains("Unknown signal type", report.Errors[4].Message);
        Assert.Contains("Label", report.Errors[5].Message);
        var items = await ItemsAsync(curator, "EDGE");
        Assert.Contains($"md5:{Md5(4)}|behaviour:threat;severity:crisis|space separated labels|enabled", items);
        Assert.Contains($"md5:{Md5(9)}|severity:crisis|quoted, \"fine\"|enabled", items);
    }

    [Fact]
    public async Task ACsvFileWithoutTheHeaderIsRefusedBeforeAnythingIsAdded()
    {
        var (server, curator) = await StartAsync("sqlite", null, "EDGE");
        await using var _ = server;
        var response = await curator.PostAsync("/api/v1/banks/EDGE/import?format=csv", Body($"pdq,{Pdq(1)},,\r\n", "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("signal_type,signal,labels,note", await response.Content.ReadAsStringAsync());
        Assert.Empty(await ItemsAsync(curator, "EDGE"));
    }

    [Fact]
    public async Task JsonLinesEdgeCasesAreReportedByLineAndReadingGoesOn()
    {
        var (server, curator) = await StartAsync("sqlite", new Dictionary<string, string?> { ["Turntide:MaxImportLineBytes"] = "512" }, "EDGE");
        await using var _ = server;
        var text = new MemoryStream();
        void Line(string s) => text.Write(Encoding.UTF8.GetBytes(s));
        Line("\uFEFF" + $$"""{"signal_type":"pdq","signal":"{{Pdq(1)}}"}""" + "\r\n");         // 1
        Line("{not json}\n");                                                                     // 2
        Line("\n   \n");                                                                          // 3, 4: blank
        Line($$"""{"signal_type":"pdq","signal":"{{Pdq(2)}}","note":"{{new string('y', 700)}}"}""" + "\n"); // 5: too long
        Line($$"""{"signal_type":"md5","signal":"{{Md5(3)}}","labels":"severity:crisis"}""" + "\n"); // 6: labels not an array
        text.Write([0x7b, 0xff, 0xfe, 0x7d, 0x0a]);                                              // 7: not UTF-8
        Line("null\n");                                                                           // 8
        Line($$"""{"signal_type":"md5","signal":"{{Md5(4)}}","labels":["severity:crisis"],"note":"last"}""");  // 9
        var report = await ImportAsync(curator, "EDGE", "jsonl", Body(text.ToArray(), "application/x-ndjson"));
        Assert.Equal((7L, 2, 5), (report.Lines, report.Added, report.Failed));
        Assert.Equal([2L, 5, 6, 7, 8], report.Errors.Select(e => e.Line));
        Assert.Contains("the limit is 512", report.Errors[1].Message);
        Assert.Contains("UTF-8", report.Errors[3].Message);
        Assert.Contains($"md5:{Md5(4)}|severity:crisis|last|enabled", await ItemsAsync(curator, "EDGE"));
    }

    [Fact]
    public async Task TheErrorListIsCappedAndCountsTheRest()
    {
        var (server, curator) = await StartAsync("sqlite", new Dictionary<string, string?> { ["Turntide:MaxImportErrors"] = "5" }, "CAP");
        await using var _ = server;
        var csv = new StringBuilder(Header);
        for (int i = 0; i < 12; i++)
            csv.Append("pdq,nothex,,\r\n");
        csv.Append($"pdq,{Pdq(1)},,\r\n");
        var report = await ImportCsvAsync(curator, "CAP", csv.ToString());
        Assert.Equal((13L, 1, 12, 5, 7), (report.Lines, report.Added, report.Failed, report.Errors.Count, report.ErrorsNotShown));
        Assert.Equal([2L, 3, 4, 5, 6], report.Errors.Select(e => e.Line));
    }

    [Fact]
    public async Task ImportingTheSameFileTwiceSkipsEveryDuplicate()
    {
        var (server, curator) = await StartAsync("sqlite", new Dictionary<string, string?> { ["Turntide:ImportBatchSize"] = "7" }, "TWICE");
        await using var _ = server;
        var csv = new StringBuilder(Header);
        for (int i = 0; i < 30; i++)
            csv.Append($"pdq,{Pdq(i % 25)},,\r\n");
        var first = await ImportCsvAsync(curator, "TWICE", csv.ToString());
        Assert.Equal((25, 5), (first.Added, first.Duplicates));
        var second = await ImportCsvAsync(curator, "TWICE", csv.ToString());
        Assert.Equal((0, 30), (second.Added, second.Duplicates));
        Assert.Equal(25, (await ItemsAsync(curator, "TWICE")).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryImportedItemHasItsAuditEntryAndReachesTheExchangeFeedAndMatching(string provider)
    {
        var (server, curator) = await StartAsync(provider, new Dictionary<string, string?> { ["Turntide:ImportBatchSize"] = "100" }, "FEED");
        await using var _ = server;
        var node = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var csv = new StringBuilder(Header);
        for (int i = 0; i < 250; i++)
            csv.Append($"pdq,{Pdq(i)},severity:crisis,n{i}\r\n");
        Assert.Equal(250, (await ImportCsvAsync(curator, "FEED", csv.ToString())).Added);

        var adds = new List<ExchangeUpdate>();
        string? checkpoint = null;
        for (int pages = 0; pages < 20; pages++)
        {
            var page = (await node.GetFromJsonAsync<ExchangePage>($"/api/v1/exchange/updates?limit=1000" + (checkpoint is null ? "" : $"&checkpoint={checkpoint}"), Json.Options))!;
            adds.AddRange(page.Updates.Where(u => u.Action == "content.add"));
            checkpoint = page.Checkpoint;
            if (!page.HasMore)
                break;
        }
        Assert.Equal(250, adds.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(Pdq).Order(), adds.Select(a => a.Item!.Signals.Single().Value).Order());
        Assert.All(adds, a => Assert.Equal(["severity:crisis"], a.Item!.Labels));
        var verification = await server.InScopeAsync(s => AuditLog.VerifyAsync(s.GetRequiredService<Turntide.Server.Data.TurntideDb>()));
        Assert.True(verification.Intact, verification.Problem);

        var match = await node.GetAsync($"/api/v1/match?signal_type=pdq&signal={Pdq(123)}");
        Assert.Equal(HttpStatusCode.OK, match.StatusCode);
        Assert.Contains("FEED", await match.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFileOverTheSizeLimitIsRefusedOrStoppedWhereItCrossesTheLimit()
    {
        var (server, curator) = await StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["Turntide:MaxImportBytes"] = "4096", ["Turntide:ImportBatchSize"] = "10",
        }, "SIZE");
        await using var _ = server;
        var csv = new StringBuilder(Header);
        for (int i = 0; i < 100; i++)
            csv.Append($"pdq,{Pdq(i)},,\r\n");
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());

        // Declared too large: refused before reading.
        var declared = await curator.PostAsync("/api/v1/banks/SIZE/import?format=csv", Body(bytes, "text/csv"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("4096", await declared.Content.ReadAsStringAsync());
        Assert.Empty(await ItemsAsync(curator, "SIZE"));

        // Sent without a length (chunked): read up to the limit, then stopped, with the whole lines before it kept.
        var chunked = new StreamContent(new UnknownLengthStream(bytes));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var report = await ImportAsync(curator, "SIZE", "csv", chunked);
        Assert.NotNull(report.Stopped);
        Assert.Contains("4096", report.Stopped);
        Assert.InRange(report.Added, 1, 4096 / 70);
        Assert.Equal(report.Added, (await ItemsAsync(curator, "SIZE")).Count);
    }

    [Fact]
    public async Task AnImportSentAsAFormOrJsonIsRefusedAsTheWrongContentType()
    {
        var (server, curator) = await StartAsync("sqlite", null, "TYPE");
        await using var _ = server;
        var csv = Header + $"pdq,{Pdq(1)},,\r\n";
        foreach (var type in new[] { "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json" })
        {
            var response = await curator.PostAsync("/api/v1/banks/TYPE/import?format=csv", Body(csv, type));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsync("/api/v1/banks/TYPE/import?format=xml", Body(csv, "text/csv"))).StatusCode);
        // Without format, a CSV content type says it.
        var guessed = await curator.PostAsync("/api/v1/banks/TYPE/import", Body(csv, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, guessed.StatusCode);
        Assert.Single(await ItemsAsync(curator, "TYPE"));
    }

    [Fact]
    public async Task ExportWritesEnabledItemsUnlessAnotherStatusIsAsked()
    {
        var (server, curator) = await StartAsync("sqlite", null, "STATUS");
        await using var _ = server;
        await ImportCsvAsync(curator, "STATUS", Header + $"pdq,{Pdq(1)},,one\r\npdq,{Pdq(2)},,two\r\n");
        var page = (await curator.GetFromJsonAsync<ContentPage>("/api/v1/banks/STATUS/content", Json.Options))!;
        var second = page.Items.Single(i => i.Note == "two");
        Assert.Equal(HttpStatusCode.OK, (await curator.PatchAsJsonAsync($"/api/v1/content/{second.Id}", new { status = "disabled" })).StatusCode);

        var enabled = await ExportAsync(curator, "STATUS", "csv");
        Assert.Contains(Pdq(1), enabled);
        Assert.DoesNotContain(Pdq(2), enabled);
        var disabled = await ExportAsync(curator, "STATUS", "csv", "disabled");
        Assert.DoesNotContain(Pdq(1), disabled);
        Assert.Contains(Pdq(2), disabled);
        var all = await ExportAsync(curator, "STATUS", "jsonl", "all");
        Assert.Equal(2, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.GetAsync("/api/v1/banks/STATUS/export?status=gone")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.GetAsync("/api/v1/banks/STATUS/export?format=hashlist")).StatusCode);
        var response = await curator.GetAsync("/api/v1/banks/STATUS/export?format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("STATUS.csv", response.Content.Headers.ContentDisposition!.ToString());
    }

    [Fact]
    public async Task RolesThatMayNotCurateCannotImportAndOnlyBankRolesExport()
    {
        var (server, curator) = await StartAsync("sqlite", null, "ROLES");
        await using var _ = server;
        var csv = Header + $"pdq,{Pdq(1)},,\r\n";
        var moderator = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.PostAsync("/api/v1/banks/ROLES/import?format=csv", Body(csv, "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await moderator.GetAsync("/api/v1/banks/ROLES/export")).StatusCode);
        var auditor = server.WithKey(await server.KeyForRoleAsync(Roles.Auditor));
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/banks/ROLES/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync("/api/v1/banks/ROLES/import?format=csv", Body(csv, "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous().GetAsync("/api/v1/banks/ROLES/export")).StatusCode);
        Assert.Empty(await ItemsAsync(curator, "ROLES"));
    }

    [Fact]
    public async Task APrivateBankIsInvisibleToOtherMembersForImportAndExport()
    {
        var (server, owner) = await StartAsync("sqlite", null, "PRIVATE");
        await using var _ = server;
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/api/v1/banks/PRIVATE/sharing", new { @private = true, members = Array.Empty<Guid>() })).StatusCode);
        await ImportCsvAsync(owner, "PRIVATE", Header + $"pdq,{Pdq(1)},,secret\r\n");
        var outsider = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        var export = await outsider.GetAsync("/api/v1/banks/PRIVATE/export");
        Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);
        Assert.DoesNotContain(Pdq(1), await export.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync("/api/v1/banks/PRIVATE/import?format=csv", Body(Header + $"pdq,{Pdq(2)},,\r\n", "text/csv"))).StatusCode);
        Assert.Equal([$"pdq:{Pdq(1)}||secret|enabled"], await ItemsAsync(owner, "PRIVATE"));
        Assert.Contains(Pdq(1), await ExportAsync(owner, "PRIVATE", "csv"));
    }

    [Fact]
    public async Task TheBankPageImportsAnUploadedFileShowsTheReportAndLinksTheExports()
    {
        var (server, curator) = await StartAsync("sqlite", null, "PAGE");
        await using var _ = server;
        var bank = (await curator.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Json.Options))!.Single(b => b.Name == "PAGE");
        var bankId = bank.Id;
        // A curator of the bank: an analyst of the organisation that owns it.
        var analyst = await OwnersAnalystAsync(server, bank);
        var page = await analyst.GetStringAsync($"/banks/{bankId}");
        Assert.Contains($"/banks/{bankId}?handler=Export&amp;format=csv", page);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        Assert.True(token.Success);

        // Larger than the server's JSON body limit (1 MiB), as real bank files are.
        var csv = new StringBuilder(Header);
        csv.Append("pdq,bad,,\r\n");
        for (int i = 0; i < 1100; i++)
            csv.Append($"pdq,{Pdq(i)},severity:crisis,{new string('n', 1000)}\r\n");
        var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "__RequestVerificationToken" },
            { new StringContent(""), "ImportFormat" },
            { Body(csv.ToString(), "text/csv"), "ImportFile", "bank.csv" },
        };
        Assert.True(csv.Length > 1024 * 1024);
        var response = await analyst.PostAsync($"/banks/{bankId}?handler=Import", form);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {html}");
        Assert.Contains("<strong>1100 added</strong>", html);
        Assert.Contains("<td>2</td><td>Malformed pdq signal", html);

        var export = await analyst.GetAsync($"/banks/{bankId}?handler=Export&format=jsonl");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType!.MediaType);
        Assert.Equal(1100, (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var moderator = await server.SignedInAsync(Roles.Moderator);
        var refused = await TestServer.PostFormAsync(moderator, $"/banks/{bankId}?handler=Import", new() { ["ImportFormat"] = "csv" }, $"/banks/{bankId}");
        Assert.Contains("/denied", refused.Headers.Location?.ToString());
    }

    [Fact]
    public async Task OnlyASignedInCuratorGetsTheImportFormsLargeBodyLimit()
    {
        // The server's ordinary limit made small, so a modest file is over it.
        var (server, curator) = await StartAsync("sqlite", new Dictionary<string, string?> { ["Kestrel:Limits:MaxRequestBodySize"] = "1048576" }, "LIMIT");
        await using var _ = server;
        var bank = (await curator.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Json.Options))!.Single(b => b.Name == "LIMIT");
        var bankId = bank.Id;
        var csv = new StringBuilder(Header);
        for (int i = 0; i < 1200; i++)
            csv.Append($"pdq,{Pdq(i)},,{new string('n', 1000)}\r\n");
        Assert.True(csv.Length > 1024 * 1024);

        async Task<HttpResponseMessage> PostAsync(HttpClient client)
        {
            var page = await client.GetStringAsync($"/banks/{bankId}");
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
            Assert.True(token.Success);
            var form = new MultipartFormDataContent
            {
                { new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "__RequestVerificationToken" },
                { new StringContent("csv"), "ImportFormat" },
                { Body(csv.ToString(), "text/csv"), "ImportFile", "bank.csv" },
            };
            return await client.PostAsync($"/banks/{bankId}?handler=Import", form);
        }

        // A moderator may read the bank but not import: the body is refused at the ordinary limit, before it is read
        // (not read in full, spooled to disk, and only then refused).
        // The server may also close the connection at the limit before the client has sent the whole body.
        async Task<string?> RefusalAsync(HttpClient client)
        {
            try
            {
                var status = (await PostAsync(client)).StatusCode;
                return status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge ? null : $"{(int)status}";
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }
        var moderator = await server.SignedInAsync(Roles.Moderator);
        Assert.Null(await RefusalAsync(moderator));
        // Nor does another member's analyst, who may not curate this bank: refused before its body is read.
        var otherAnalyst = await server.SignedInAsync(Roles.Analyst);
        Assert.Null(await RefusalAsync(otherAnalyst));
        var analyst = await OwnersAnalystAsync(server, bank);
        var accepted = await PostAsync(analyst);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{(int)accepted.StatusCode}");
        Assert.Contains("<strong>1200 added</strong>", await accepted.Content.ReadAsStringAsync());
    }

    private static async Task<HttpClient> OwnersAnalystAsync(TestServer server, BankDto bank)
    {
        var (_, email) = await server.CreatePersonAsync(bank.OwnerOrganisationId, Roles.Analyst);
        return await server.SignInAsync(email, TestServer.Password);
    }

    /// <summary>A body whose length is not known in advance, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
