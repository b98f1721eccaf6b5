using System.Net;
using System.Net.Http.Json;
using System.Text;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Signals;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Transfer;

namespace Turntide.Server.Tests.Matching;

/// <summary>
/// Every signal type of Core's vocabulary through the API on both databases: banked, matched by GET and POST,
/// exported and imported again; a link by its canonical form; a video by the vPDQ rule, from a file.
/// </summary>
public sealed class SignalTypeEndToEndTests
{
    private static string Sample(string name) => Turntide.Core.Tests.TestData.Path_("vpdq", name);

    /// <summary>The first <paramref name="frames"/> lines of a reference vPDQ file (every frame of a real video).</summary>
    internal static string ReferenceVpdq(int frames) =>
        string.Concat(File.ReadLines(Sample("sample-hashes/chair-orig-22-sd-bar.txt")).Take(frames).Select(l => l + "\n"));

    private static string RandomHex(int length) => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray())[..length];

    /// <summary>One value of each type, as banked (not necessarily canonical), and the query that must find it.</summary>
    internal static IReadOnlyList<(string Type, string Banked, string Query)> OneOfEach()
    {
        var pdq = RandomHex(64);
        var md5 = RandomHex(32);
        var sha = RandomHex(64);
        var vpdq = ReferenceVpdq(20);
        var text = TextDigester.Digest("A manifesto of " + Guid.NewGuid()).Value;
        var host = "h" + Guid.NewGuid().ToString("n")[..12];
        return
        [
            ("pdq", pdq.ToUpperInvariant(), pdq),
            ("vpdq", vpdq, vpdq),
            ("md5", md5, md5.ToUpperInvariant()),
            ("sha256", sha, sha),
            // The issue's example: scheme and host case and a tracking parameter do not hide a banked link.
            ("url", $"https://{host}.example.com/a", $"HTTPS://{host}.Example.com/a?utm_source=x"),
            ("text", text, text),
        ];
    }

    private static async Task<(TestServer Server, HttpClient Curator, HttpClient Matcher)> StartAsync(string provider)
    {
        var server = await TestServer.StartAsync(provider);
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        return (server, server.WithKey(await server.CreateKeyAsync(org.Id, Roles.Analyst)), server.WithKey(await server.CreateKeyAsync(org.Id, Roles.Moderator)));
    }

    private static async Task NewBankAsync(HttpClient curator, string name) =>
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name })).StatusCode);

    private static async Task<BankContentDto> AddAsync(HttpClient curator, string bank, string type, string value)
    {
        var response = await curator.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = type, value } } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
    }

    private static async Task<MatchResponse> GetMatchAsync(HttpClient matcher, string type, string signal, string extra = "")
    {
        var response = await matcher.GetAsync($"/api/v1/match?signal_type={type}&signal={Uri.EscapeDataString(signal)}{extra}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<MatchResponse>(Json.Options))!;
    }

    private static async Task<BatchMatchResponse> PostMatchAsync(HttpClient matcher, object body)
    {
        var response = await matcher.PostAsJsonAsync("/api/v1/match", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<BatchMatchResponse>(Json.Options))!;
    }

    private static async Task<List<string>> ItemsAsync(HttpClient client, string bank)
    {
        var page = (await client.GetFromJsonAsync<ContentPage>($"/api/v1/banks/{bank}/content?take=200", Json.Options))!;
        return [.. page.Items.Select(i => string.Join("+", i.Signals.Select(s => s.SignalType + ":" + s.Value))).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryTypeIsBankedMatchedExportedAndImported(string provider)
    {
        var (server, curator, matcher) = await StartAsync(provider);
        await using var _ = server;
        await NewBankAsync(curator, "ALL_TYPES");
        var values = OneOfEach();
        var ids = new Dictionary<string, Guid>();
        foreach (var (type, banked, _) in values)
        {
            var item = await AddAsync(curator, "ALL_TYPES", type, banked);
            var stored = Assert.Single(item.Signals);
            Assert.Equal(type, stored.SignalType);
            // Stored in the one canonical form of Core's SignalValue.
            Assert.Equal(SignalValue.Parse(SignalTypes.Parse(type), banked).Value, stored.Value);
            ids[type] = item.Id;
        }

        foreach (var (type, _, query) in values)
        {
            var got = await GetMatchAsync(matcher, type, query);
            Assert.Equal(ids[type], Assert.Single(got.Matches).ContentId);
        }
        var batch = await PostMatchAsync(matcher, new { signals = values.Select(v => new { signal_type = v.Type, signal = v.Query }).ToArray() });
        Assert.Equal(values.Select(v => v.Type), batch.Results.Select(r => r.SignalType));
        foreach (var result in batch.Results)
            Assert.Equal(ids[result.SignalType], Assert.Single(result.Matches).ContentId);
        var video = batch.Results.Single(r => r.SignalType == "vpdq").Matches.Single();
        Assert.Equal((100.0, 100.0), (video.QueryMatchPercent, video.ComparedMatchPercent));
        Assert.Null(batch.Results.Single(r => r.SignalType == "pdq").Matches.Single().QueryMatchPercent);

        // A value that is none of them finds nothing, type by type.
        Assert.Empty((await GetMatchAsync(matcher, "url", "https://example.org/other")).Matches);
        Assert.Empty((await GetMatchAsync(matcher, "text", TextDigester.Digest("other words").Value)).Matches);

        foreach (var format in new[] { "csv", "jsonl" })
        {
            var export = await curator.GetAsync($"/api/v1/banks/ALL_TYPES/export?format={format}");
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            var exported = await export.Content.ReadAsStringAsync();
            var copy = "COPY_" + format.ToUpperInvariant();
            await NewBankAsync(curator, copy);
            var imported = await curator.PostAsync($"/api/v1/banks/{copy}/import?format={format}",
                new StringContent(exported, Encoding.UTF8, format == "csv" ? "text/csv" : "application/x-ndjson"));
            var report = (await imported.Content.ReadFromJsonAsync<ImportReport>(Json.Options))!;
            Assert.True(report.Added == 6, $"{format}: {string.Join("; ", report.Errors.Select(e => $"{e.Line}: {e.Message}"))}");
            Assert.Equal(await ItemsAsync(curator, "ALL_TYPES"), await ItemsAsync(curator, copy));
            // The copy exports as the same file, the vPDQ's lines included.
            Assert.Equal(exported, await (await curator.GetAsync($"/api/v1/banks/{copy}/export?format={format}")).Content.ReadAsStringAsync());
        }
        // Each type now matches in all three banks.
        foreach (var (type, _, query) in values)
            Assert.Equal(3, (await GetMatchAsync(matcher, type, query)).Matches.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AVpdqMatchesByBothSharesWithThresholdsPerRequest(string provider)
    {
        var (server, curator, matcher) = await StartAsync(provider);
        await using var _ = server;
        await NewBankAsync(curator, "VIDEOS");
        // A whole video of every frame: hundreds of lines, far past what a one-line value or a plain index key holds.
        var whole = ReferenceVpdq(int.MaxValue);
        Assert.True(whole.Length > 50_000);
        var item = await AddAsync(curator, "VIDEOS", "vpdq", whole);

        // A clip: its first 40 frames. All of the clip's frames are in the video; a small share of the video's are in the clip.
        var clip = ReferenceVpdq(40);
        var hit = Assert.Single((await PostMatchAsync(matcher, new { signals = new[] { new { signal_type = "vpdq", signal = clip } } })).Results[0].Matches);
        Assert.Equal(item.Id, hit.ContentId);
        Assert.Equal(100.0, hit.QueryMatchPercent);
        Assert.InRange(hit.ComparedMatchPercent!.Value, 0.1, 50);
        // Asking for half of the banked video's frames turns the clip away, by POST and by GET.
        Assert.Empty((await PostMatchAsync(matcher, new { signals = new[] { new { signal_type = "vpdq", signal = clip } }, min_compared_match_percent = 50 })).Results[0].Matches);
        Assert.Empty((await GetMatchAsync(matcher, "vpdq", clip, "&min_compared_match_percent=50")).Matches);
        Assert.Single((await GetMatchAsync(matcher, "vpdq", clip, "&min_compared_match_percent=0.5&min_query_match_percent=99")).Matches);

        // The whole video matches itself fully.
        var self = Assert.Single((await PostMatchAsync(matcher, new { signals = new[] { new { signal_type = "vpdq", signal = whole } } })).Results[0].Matches);
        Assert.Equal((100.0, 100.0), (self.QueryMatchPercent, self.ComparedMatchPercent));

        // Thresholds out of range, both at 0, or a distance are refused with what to send.
        foreach (var (query, message) in new[]
        {
            ("&min_query_match_percent=101", "from 0 to 100"),
            ("&min_query_match_percent=0&min_compared_match_percent=0", "cannot both be 0"),
            ("&min_query_match_percent=lots", "is not a number"),
            ("&max_distance=10", "shares of matching frames"),
        })
        {
            var response = await matcher.GetAsync($"/api/v1/match?signal_type=vpdq&signal={Uri.EscapeDataString(clip)}{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await response.Content.ReadAsStringAsync());
        }

        // The banked text survives the database and a fresh load of the catalog.
        var stored = await (await curator.GetAsync($"/api/v1/content/{item.Id}")).Content.ReadFromJsonAsync<BankContentDto>(Json.Options);
        Assert.Equal(whole, stored!.Signals.Single().Value);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AVideoFileIsBankedAndAnotherCutOfItMatchesThroughMultipart(string provider)
    {
        var (server, curator, matcher) = await StartAsync(provider);
        await using var _ = server;
        await NewBankAsync(curator, "FILES");
        var banked = await File.ReadAllBytesAsync(Sample("sample-videos/pattern-sd-grey-bar.mp4"));
        var response = await curator.PostAsync("/api/v1/banks/FILES/content?labels=content_type:video&note=from+a+file",
            new MultipartFormDataContent { { new ByteArrayContent(banked), "file", "banked.mp4" } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var item = (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
        Assert.Equal(["vpdq", "md5", "sha256"], item.Signals.Select(s => s.SignalType));
        Assert.Equal(["content_type:video"], item.Labels);
        Assert.Equal("from a file", item.Note);

        // The same pattern with a logo burnt in: other bytes, near frames.
        var other = await File.ReadAllBytesAsync(Sample("sample-videos/pattern-sd-with-small-logo-bar.mp4"));
        var matched = await matcher.PostAsync("/api/v1/match", new MultipartFormDataContent { { new ByteArrayContent(other), "file", "upload.mp4" } });
        Assert.True(matched.StatusCode == HttpStatusCode.OK, $"{(int)matched.StatusCode} {await matched.Content.ReadAsStringAsync()}");
        var result = (await matched.Content.ReadFromJsonAsync<FileMatchResponse>(Json.Options))!;
        Assert.Equal("video", result.Hashed.ContentType);
        var video = Assert.Single(result.Results.Single(r => r.SignalType == "vpdq").Matches);
        Assert.Equal(item.Id, video.ContentId);
        Assert.InRange(video.QueryMatchPercent!.Value, 80, 100);
        Assert.Empty(result.Results.Single(r => r.SignalType == "md5").Matches);

        // The thresholds are inclusive and apply to a file's vPDQ too: at exactly the shares found it still matches.
        var atShares = await matcher.PostAsync(FormattableString.Invariant(
                $"/api/v1/match?min_query_match_percent={video.QueryMatchPercent}&min_compared_match_percent={video.ComparedMatchPercent}"),
            new MultipartFormDataContent { { new ByteArrayContent(other), "file", "upload.mp4" } });
        var atSharesResult = (await atShares.Content.ReadFromJsonAsync<FileMatchResponse>(Json.Options))!;
        Assert.Equal(item.Id, Assert.Single(atSharesResult.Results.Single(r => r.SignalType == "vpdq").Matches).ContentId);

        // Another video altogether matches nothing.
        var unrelated = await File.ReadAllBytesAsync(Sample("sample-videos/doorknob-hd-no-bar.mp4"));
        var none = await matcher.PostAsync("/api/v1/match", new MultipartFormDataContent { { new ByteArrayContent(unrelated), "file", "other.mp4" } });
        var noneResult = (await none.Content.ReadFromJsonAsync<FileMatchResponse>(Json.Options))!;
        Assert.Equal("video", noneResult.Hashed.ContentType);
        Assert.All(noneResult.Results, r => Assert.Empty(r.Matches));

        // A damaged video is refused whole, and nothing is banked.
        var damaged = await curator.PostAsync("/api/v1/banks/FILES/content",
            new MultipartFormDataContent { { new ByteArrayContent(banked[..(banked.Length / 2)]), "file", "cut.mp4" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, damaged.StatusCode);
        Assert.Contains("video could not be hashed", await damaged.Content.ReadAsStringAsync());
        Assert.Single(await ItemsAsync(curator, "FILES"));
    }
}
