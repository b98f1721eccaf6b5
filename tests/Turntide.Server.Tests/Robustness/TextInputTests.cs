using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Transfer;
using static Turntide.Server.Tests.Robustness.ImportFailureTests;

namespace Turntide.Server.Tests.Robustness;

/// <summary>
/// Control characters in text fields (PostgreSQL answered 500 to a NUL), CSV formula injection on export, and
/// invalid UTF-8 in CSV imports.
/// </summary>
public sealed class TextInputTests
{
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Contains("application/problem+json", response.Content.Headers.ContentType?.ToString());
        Assert.Contains($"The {field} contains the control character U+0000", body);
    }

    private static Task<long> AuditCountAsync(TestServer server) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.LongCountAsync());

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANulInAnyTextFieldIsA400NamingTheFieldAndNothingIsWritten(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        using var forum = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum));
        using var platform = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        string nul = "before\0after";
        long auditBefore = await AuditCountAsync(server);

        await AssertRefusedAsync(await forum.PostAsJsonAsync("/api/v1/banks", new { name = "NUL", description = nul }), "description");
        Assert.False(await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Banks.AnyAsync(b => b.Name == "NUL")));
        Assert.Equal(HttpStatusCode.Created, (await forum.PostAsJsonAsync("/api/v1/banks", new { name = "TEXT", @private = false })).StatusCode);
        long auditAfterBank = await AuditCountAsync(server);
        Assert.Equal(auditBefore + 1, auditAfterBank);

        var signal = new[] { new { signal_type = "md5", value = new string('a', 32) } };
        await AssertRefusedAsync(await forum.PostAsJsonAsync("/api/v1/banks/TEXT/content", new { signals = signal, note = nul }), "note");
        await AssertRefusedAsync(await platform.PostAsJsonAsync("/api/v1/contributions", new { bank = "TEXT", signals = signal, note = nul }), "note");
        Assert.Equal(0, await CountAsync(server, "TEXT"));

        var added = await forum.PostAsJsonAsync("/api/v1/banks/TEXT/content", new { signals = signal, note = "tabs\tand\r\nline breaks are fine" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var item = (await added.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
        Assert.Equal("tabs\tand\r\nline breaks are fine", item.Note);
        long auditAfterItem = await AuditCountAsync(server);
        await AssertRefusedAsync(await forum.PatchAsJsonAsync($"/api/v1/content/{item.Id}", new { note = nul }), "note");
        await AssertRefusedAsync(await platform.PutAsJsonAsync($"/api/v1/content/{item.Id}/opinion", new { opinion = "agree", note = nul }), "note");
        await AssertRefusedAsync(await forum.PostAsJsonAsync("/api/v1/taxonomy", new { label = "entity:nul-test", description = nul }), "description");
        await AssertRefusedAsync(await forum.PatchAsJsonAsync("/api/v1/taxonomy/severity:crisis", new { description = nul }), "description");

        // Other control characters too.
        var bell = await forum.PatchAsJsonAsync($"/api/v1/content/{item.Id}", new { note = "ring\u0007" });
        Assert.Equal(HttpStatusCode.BadRequest, bell.StatusCode);
        Assert.Contains("U+0007", await bell.Content.ReadAsStringAsync());
        // JSON's escape for half a surrogate pair: refused (by the JSON reader or by the text rule), never stored.
        var surrogate = await forum.PatchAsync($"/api/v1/content/{item.Id}",
            new StringContent("{\"note\":\"half \\ud800 a pair\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);

        Assert.Equal("tabs\tand\r\nline breaks are fine", (await forum.GetFromJsonAsync<BankContentDto>($"/api/v1/content/{item.Id}", Json.Options))!.Note);
        Assert.Equal(auditAfterItem, await AuditCountAsync(server));
        // No request reached the database with its NUL (PostgreSQL's 22021) nor failed unhandled.
        var errors = server.Logs.Lines.Where(l => l.Contains("22021", StringComparison.Ordinal) || l.Contains("unhandled", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnImportWithANulHalfwayReportsThatLineAndImportsEveryOtherLine(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        using var curator = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "NULS" })).StatusCode);
        // 3,001 lines: the header and 3,000 items, the one on line 1,502 with a NUL in its note.
        var csv = new StringBuilder(Header);
        for (int i = 0; i < 3000; i++)
            csv.Append($"pdq,{Pdq(i)},,{(i == 1500 ? "bad\0note" : $"item {i}")}\r\n");

        var (status, report, body) = await ImportAsync(curator, "NULS", csv.ToString());
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Null(report!.Stopped);
        Assert.Equal((3000L, 2999, 1), (report.Lines, report.Added, report.Failed));
        var error = Assert.Single(report.Errors);
        Assert.Equal(1502, error.Line);
        Assert.Contains("The note contains the control character U+0000", error.Message);
        Assert.Equal(2999, await CountAsync(server, "NULS"));

        // The same for JSON Lines and a hash list, whose meta becomes the note.
        var jsonl = $"{{\"signal_type\":\"md5\",\"signal\":\"{new string('b', 32)}\",\"note\":\"x\\u0000y\"}}\n{{\"signal_type\":\"md5\",\"signal\":\"{new string('c', 32)}\"}}\n";
        var lines = await curator.PostAsync("/api/v1/banks/NULS/import?format=jsonl", new StringContent(jsonl, Encoding.UTF8, "application/x-ndjson"));
        var linesReport = (await lines.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
        Assert.Equal((1, 1, 1L), (linesReport.Added, linesReport.Failed, Assert.Single(linesReport.Errors).Line));
        var list = await curator.PostAsync("/api/v1/banks/NULS/import?format=hashlist", new StringContent($"{Pdq(9000)},meta\u0001\n{Pdq(9001)},fine\n", Encoding.UTF8, "text/plain"));
        var listReport = (await list.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
        Assert.Equal((1, 1), (listReport.Added, listReport.Failed));
        Assert.Contains("U+0001", listReport.Errors[0].Message);
    }

    [Fact]
    public async Task ExportedCellsThatASpreadsheetWouldRunAsFormulasStartWithAQuoteAndImportBackUnchanged()
    {
        await using var server = await TestServer.StartAsync();
        using var curator = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        foreach (var bank in new[] { "CELLS", "COPY" })
            Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = bank })).StatusCode);
        // Notes are trimmed, so none starts with tab or CR; the other four characters are what a note can start with.
        string[] notes = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)",
            "'=already quoted", "''+twice", "plain note", "'just a quote", "a = b"];
        for (int i = 0; i < notes.Length; i++)
            Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks/CELLS/content",
                new { signals = new[] { new { signal_type = "pdq", value = Pdq(i) } }, note = notes[i] })).StatusCode);
        // A hash list's meta becomes a note too.
        var list = await curator.PostAsync("/api/v1/banks/CELLS/import?format=hashlist",
            new StringContent($"{Pdq(100)},=cmd|' /C calc'!A0\n", Encoding.UTF8, "text/plain"));
        Assert.Equal(1, (await list.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!.Added);

        var export = await curator.GetStringAsync("/api/v1/banks/CELLS/export?format=csv");
        var cells = export.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l[(l.IndexOf(",,", StringComparison.Ordinal) + 2)..]).ToList();
        Assert.Equal([
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", "'+1+1", "'-2+3", "'@SUM(A1:A2)",
            "''=already quoted", "'''+twice", "plain note", "'just a quote", "a = b", "'=cmd|' /C calc'!A0"], cells);
        Assert.All(cells, c => Assert.DoesNotMatch("^\"?[=+@\\t\\r-]", c));

        // Imported back, the quotes export added come off again: the copy holds the same notes.
        var (copyStatus, copy, copyBody) = await ImportAsync(curator, "COPY", export);
        Assert.True(copyStatus == HttpStatusCode.OK && copy!.Added == notes.Length + 1, copyBody);
        var copied = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.Where(c => c.Bank!.Name == "COPY").Select(c => c.Note).ToListAsync());
        Assert.Equal([.. notes.Append("=cmd|' /C calc'!A0").Order(StringComparer.Ordinal)], copied.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ACsvLineThatIsNotUtf8IsRejectedLikeInTheOtherFormats()
    {
        await using var server = await TestServer.StartAsync();
        using var curator = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "BYTES" })).StatusCode);
        var file = new MemoryStream();
        file.Write(Encoding.UTF8.GetBytes(Header + $"pdq,{Pdq(1)},,caf"));
        file.Write([0xe9, 0x0d, 0x0a]);                                   // line 2: Latin-1 'é', not UTF-8
        file.Write(Encoding.UTF8.GetBytes($"pdq,{Pdq(2)},,café\r\n"));     // line 3: the real thing
        var response = await curator.PostAsync("/api/v1/banks/BYTES/import?format=csv",
            new ByteArrayContent(file.ToArray()) { Headers = { ContentType = new("text/csv") } });
        var report = (await response.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
        Assert.Equal((1, 1), (report.Added, report.Failed));
        var error = Assert.Single(report.Errors);
        Assert.Equal((2L, "the record is not valid UTF-8"), (error.Line, error.Message));
        var notes = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.Where(c => c.Bank!.Name == "BYTES").Select(c => c.Note).ToListAsync());
        Assert.Equal(["café"], notes);
    }
}
