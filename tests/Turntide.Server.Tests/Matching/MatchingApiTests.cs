using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using SkiaSharp;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Imaging;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Matching;

/// <summary>One server with small limits, shared by the matching and hashing API tests.</summary>
public sealed class MatchingFixture : IAsyncLifetime
{
    public const long MaxUpload = 200_000;
    internal TestServer Server { get; private set; } = null!;
    public HttpClient Curator { get; private set; } = null!;
    public HttpClient Matcher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Turntide:MaxUploadBytes"] = MaxUpload.ToString(),
            ["Turntide:MaxJsonBytes"] = "20000",
            ["Turntide:MaxBatchSignals"] = "10",
        });
        var org = await Server.CreateOrgAsync(OrganisationKinds.Platform);
        Curator = Server.WithKey(await Server.CreateKeyAsync(org.Id, Roles.Analyst));
        Matcher = Server.WithKey(await Server.CreateKeyAsync(org.Id, Roles.Moderator));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public static byte[] Jpeg(int seed, int width = 320, int height = 240)
    {
        using var bitmap = SampleImages.Draw(seed, width, height);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}

public sealed class MatchingApiTests(MatchingFixture fixture) : IClassFixture<MatchingFixture>
{
    private HttpClient Curator => fixture.Curator;
    private HttpClient Matcher => fixture.Matcher;

    private async Task<string> NewBankAsync()
    {
        var name = "M" + Guid.NewGuid().ToString("n")[..10];
        var response = await Curator.PostAsJsonAsync("/api/v1/banks", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private async Task<BankContentDto> AddAsync(string bank, string type, string value, params string[] labels)
    {
        var response = await Curator.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = type, value } }, labels });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
    }

    private async Task<MatchResponse> MatchAsync(string type, string value, int? maxDistance = null) =>
        (await Matcher.GetFromJsonAsync<MatchResponse>(
            $"/api/v1/match?signal_type={type}&signal={value}" + (maxDistance is null ? "" : $"&max_distance={maxDistance}"), Json.Options))!;

    private static string RandomPdq() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string FlipBits(string hex, int bits)
    {
        var bytes = Convert.FromHexString(hex);
        for (int i = 0; i < bits; i++)
            bytes[i] ^= 1;
        return Convert.ToHexStringLower(bytes);
    }

    [Fact]
    public async Task MatchReturnsBankContentLabelsAndDistanceWithinTheThreshold()
    {
        var bank = await NewBankAsync();
        var hash = RandomPdq();
        var content = await AddAsync(bank, "pdq", hash, "severity:crisis");
        var near = await MatchAsync("pdq", FlipBits(hash, 31));
        var hit = Assert.Single(near.Matches);
        Assert.Equal((bank, content.Id, 31), (hit.Bank, hit.ContentId, hit.Distance));
        Assert.Equal(["severity:crisis"], hit.Labels);
        Assert.Empty((await MatchAsync("pdq", FlipBits(hash, 32))).Matches);
        Assert.Single((await MatchAsync("pdq", FlipBits(hash, 32), maxDistance: 40)).Matches);
        Assert.Empty((await MatchAsync("pdq", FlipBits(hash, 5), maxDistance: 4)).Matches);
    }

    [Fact]
    public async Task ChangesTakeEffectOnTheNextRequest()
    {
        var bank = await NewBankAsync();
        var hash = RandomPdq();
        var content = await AddAsync(bank, "pdq", hash, "severity:promotional");
        Assert.Single((await MatchAsync("pdq", hash)).Matches);

        foreach (var (status, matches) in new[] { ("disabled", false), ("enabled", true), ("quarantined", false), ("enabled", true) })
        {
            var patched = await Curator.PatchAsJsonAsync($"/api/v1/content/{content.Id}", new { status });
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Equal(matches, (await MatchAsync("pdq", hash)).Matches.Count == 1);
        }

        await Curator.PatchAsJsonAsync($"/api/v1/content/{content.Id}", new { labels = new[] { "behaviour:threat", "entity:unattributed" } });
        Assert.Equal(["behaviour:threat", "entity:unattributed"], Assert.Single((await MatchAsync("pdq", hash)).Matches).Labels);

        await Curator.PatchAsJsonAsync($"/api/v1/banks/{bank}", new { enabled = false });
        Assert.Empty((await MatchAsync("pdq", hash)).Matches);
        await Curator.PatchAsJsonAsync($"/api/v1/banks/{bank}", new { enabled = true });
        Assert.Single((await MatchAsync("pdq", hash)).Matches);
    }

    [Fact]
    public async Task ABatchIsMatchedSignalBySignal()
    {
        var bank = await NewBankAsync();
        var pdq = RandomPdq();
        var sha = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await AddAsync(bank, "pdq", pdq);
        await AddAsync(bank, "sha256", sha);
        var response = await Matcher.PostAsJsonAsync("/api/v1/match", new
        {
            signals = new[] { new { signal_type = "pdq", signal = pdq }, new { signal_type = "sha256", signal = sha.ToUpperInvariant() }, new { signal_type = "pdq", signal = RandomPdq() } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var batch = (await response.Content.ReadFromJsonAsync<BatchMatchResponse>(Json.Options))!;
        Assert.Equal([1, 1, 0], batch.Results.Select(r => r.Matches.Count));
        Assert.Equal(sha, batch.Results[1].Signal);
    }

    [Fact]
    public async Task HashReturnsThePdqOfCoreAndTheDigestsOfTheBytes()
    {
        var jpeg = MatchingFixture.Jpeg(42);
        using var decoded = SkiaImageDecoder.Instance.Decode(jpeg);
        var expected = PdqHasher.Hash(decoded.Raster);
        var response = await Matcher.PostAsync("/api/v1/hash", File(jpeg, "a.jpg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<HashResultDto>(Json.Options))!;
        Assert.Equal(("photo", "jpeg", jpeg.Length), (result.ContentType, result.Format, (int)result.Bytes));
        var pdq = result.Signals.Single(s => s.SignalType == "pdq");
        Assert.Equal(expected.Hash.ToString(), pdq.Value);
        Assert.Equal(expected.Quality, pdq.Quality);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(jpeg)), result.Signals.Single(s => s.SignalType == "md5").Value);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(jpeg)), result.Signals.Single(s => s.SignalType == "sha256").Value);

        var text = await (await Matcher.PostAsync("/api/v1/hash", File("just some text"u8.ToArray(), "a.txt"))).Content.ReadFromJsonAsync<HashResultDto>(Json.Options);
        Assert.Equal("text", text!.ContentType);
        Assert.Equal(["md5", "sha256", "text"], text.Signals.Select(s => s.SignalType));
        Assert.Equal(TextDigester.Digest("just some text").Value, text.Signals.Single(s => s.SignalType == "text").Value);

        var bytes = (await (await Matcher.PostAsync("/api/v1/hash", File([0, 1, 2, 3, 250, 251], "a.bin"))).Content.ReadFromJsonAsync<HashResultDto>(Json.Options))!;
        Assert.Equal("file", bytes.ContentType);
        Assert.Equal(["md5", "sha256"], bytes.Signals.Select(s => s.SignalType));
    }

    [Fact]
    public async Task AVideoIsHashedWithVpdqAsTheCoreHasherDoes()
    {
        var path = Turntide.Core.Tests.TestData.Path_("vpdq", "sample-videos", "test-padded-dimensions.mp4");
        var video = System.IO.File.ReadAllBytes(path);
        var response = await Matcher.PostAsync("/api/v1/hash", File(video, "clip.mp4"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<HashResultDto>(Json.Options))!;
        Assert.Equal("video", result.ContentType);
        using var expected = new StringWriter();
        VpdqHashFile.Write(expected, VpdqHasher.HashFile(path, VpdqOptions.Default with { Threads = 1 }).Frames);
        Assert.Equal(expected.ToString(), result.Signals.Single(s => s.SignalType == "vpdq").Value);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(video)), result.Signals.Single(s => s.SignalType == "sha256").Value);

        var damaged = video[..(video.Length / 2)];
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/hash", File(damaged, "cut.mp4")), HttpStatusCode.UnprocessableEntity, "video could not be hashed");
    }

    [Fact]
    public async Task AFileIsHashedAndMatchedInOneCall()
    {
        var bank = await NewBankAsync();
        var original = MatchingFixture.Jpeg(7);
        var hashed = (await (await Curator.PostAsync("/api/v1/hash", File(original, "o.jpg"))).Content.ReadFromJsonAsync<HashResultDto>(Json.Options))!;
        var content = await AddAsync(bank, "pdq", hashed.Signals[0].Value, "content_type:image");
        // A re-encoded copy: different bytes, near PDQ.
        using var bitmap = SKBitmap.Decode(original);
        using var recoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, 60);
        var response = await Matcher.PostAsync("/api/v1/match", File(recoded.ToArray(), "copy.jpg"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<FileMatchResponse>(Json.Options))!;
        var pdq = result.Results.Single(r => r.SignalType == "pdq");
        var hit = Assert.Single(pdq.Matches);
        Assert.Equal(content.Id, hit.ContentId);
        Assert.InRange(hit.Distance, 0, 31);
        Assert.Empty(result.Results.Single(r => r.SignalType == "md5").Matches);
    }

    public static TheoryData<string, HttpStatusCode, string> BadQueries => new()
    {
        { "signal_type=vhash&signal=00", HttpStatusCode.BadRequest, "Unknown signal type 'vhash'" },
        { "signal=00", HttpStatusCode.BadRequest, "signal_type is missing" },
        { "signal_type=pdq", HttpStatusCode.BadRequest, "signal is empty" },
        { "signal_type=pdq&signal=xyz", HttpStatusCode.BadRequest, "Malformed pdq signal" },
        { "signal_type=pdq&signal=" + new string('g', 64), HttpStatusCode.BadRequest, "is not a hex digit" },
        { "signal_type=md5&signal=abc", HttpStatusCode.BadRequest, "Malformed md5 signal" },
        { "signal_type=pdq&signal=" + new string('0', 64) + "&max_distance=65", HttpStatusCode.BadRequest, "out of range" },
        { "signal_type=pdq&signal=" + new string('0', 64) + "&max_distance=ten", HttpStatusCode.BadRequest, "not a whole number" },
        { "signal_type=md5&signal=" + new string('0', 32) + "&max_distance=3", HttpStatusCode.BadRequest, "match exactly" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task BadQueriesGetAProblemNamingTheirFault(string query, HttpStatusCode status, string message)
    {
        var response = await Matcher.GetAsync("/api/v1/match?" + query);
        await AssertProblemAsync(response, status, message);
    }

    [Fact]
    public async Task BadBodiesAndUploadsGetAProblemAndTheServerKeepsServing()
    {
        var tooMany = new { signals = Enumerable.Range(0, 11).Select(_ => new { signal_type = "pdq", signal = RandomPdq() }).ToArray() };
        await AssertProblemAsync(await Matcher.PostAsJsonAsync("/api/v1/match", tooMany), HttpStatusCode.RequestEntityTooLarge, "limit is 10");
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/match", Raw("{\"signals\": [", "application/json")), HttpStatusCode.BadRequest, "malformed");
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/match", Raw("{}", "application/json")), HttpStatusCode.BadRequest, "no signals");
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/match", Raw("signals", "text/plain")), HttpStatusCode.UnsupportedMediaType, "");
        var big = "{\"signals\": [" + string.Join(",", Enumerable.Range(0, 400).Select(_ => $"{{\"signal_type\":\"pdq\",\"signal\":\"{RandomPdq()}\"}}")) + "]}";
        var refusedEarly = await Matcher.PostAsync("/api/v1/match", Raw(big, "application/json"));
        await AssertProblemAsync(refusedEarly, HttpStatusCode.RequestEntityTooLarge, "limit is 20000");
        // Refused before its body was read: the connection must not be reused for the next request.
        Assert.True(refusedEarly.Headers.ConnectionClose);
        var mixed = new { signals = new[] { new { signal_type = "pdq", signal = RandomPdq() }, new { signal_type = "pdq", signal = "bad" } } };
        await AssertProblemAsync(await Matcher.PostAsJsonAsync("/api/v1/match", mixed), HttpStatusCode.BadRequest, "signals[1]");

        var huge = new byte[MatchingFixture.MaxUpload + 1];
        huge[0] = 0xFF; huge[1] = 0xD8; huge[2] = 0xFF;
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/hash", File(huge, "big.jpg")), HttpStatusCode.RequestEntityTooLarge, "larger than the limit");
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/match", File(huge, "big.jpg")), HttpStatusCode.RequestEntityTooLarge, "larger than the limit");
        var corrupt = MatchingFixture.Jpeg(3)[..600];
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/hash", File(corrupt, "cut.jpg")), HttpStatusCode.UnprocessableEntity, "could not be decoded");
        var noFile = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/hash", noFile), HttpStatusCode.BadRequest, "no part named 'file'");
        await AssertProblemAsync(await Matcher.PostAsync("/api/v1/hash", File([], "empty.jpg")), HttpStatusCode.BadRequest, "empty");

        var bank = await NewBankAsync();
        await AssertProblemAsync(await Curator.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = "sha1", value = "https://example.test" } } }),
            HttpStatusCode.BadRequest, "Unknown signal type 'sha1'");
        await AssertProblemAsync(await Curator.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = "pdq", value = RandomPdq() } }, labels = new[] { "Bad Label!" } }),
            HttpStatusCode.BadRequest, "Label");
        await AssertProblemAsync(await Curator.PostAsync($"/api/v1/banks/{bank}/content", Raw("{\"signals\": 5}", "application/json")), HttpStatusCode.BadRequest, "");
        await AssertProblemAsync(await Curator.PostAsJsonAsync("/api/v1/banks", new { name = bank }), HttpStatusCode.Conflict, "already exists");
        await AssertProblemAsync(await Curator.PostAsJsonAsync("/api/v1/banks", new { name = "<script>" }), HttpStatusCode.BadRequest, "bank name");
        await AssertProblemAsync(await Curator.GetAsync("/api/v1/banks/NO_SUCH_BANK/content"), HttpStatusCode.NotFound, "No bank");

        // Still serving.
        var hash = RandomPdq();
        await AddAsync(bank, "pdq", hash);
        Assert.Single((await MatchAsync("pdq", hash)).Matches);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheApi()
    {
        var json = await Matcher.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/v1/hash", "/api/v1/match", "/api/v1/banks", "bearer" })
            Assert.Contains(path, json);
        var page = await Matcher.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, body);
    }

    private static MultipartFormDataContent File(byte[] bytes, string name) => new() { { new ByteArrayContent(bytes), "file", name } };

    private static StringContent Raw(string body, string type) => new(body, Encoding.UTF8, type);
}
