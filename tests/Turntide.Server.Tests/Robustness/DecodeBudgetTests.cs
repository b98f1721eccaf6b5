using System.Net;
using System.Net.Http.Json;
using SkiaSharp;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Robustness;

/// <summary>
/// The decoding budget: uploads whose declared pixels do not fit what is being decoded already get 503 with
/// Retry-After, decided from the header before anything is decoded. The budget is held from the test itself, so the
/// outcome does not depend on timing.
/// </summary>
public sealed class DecodeBudgetTests
{
    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 7), (byte)(y * 5), (byte)(x ^ y)));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static MultipartFormDataContent File(byte[] bytes, string name = "photo.png")
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), "file", name);
        return form;
    }

    [Fact]
    public async Task UploadsBeyondTheDecodingBudgetGet503WithRetryAfterAndFitAgainOnceItIsFree()
    {
        await using var server = await TestServer.StartAsync(role: "node", settings: new Dictionary<string, string?>
        {
            ["Turntide:MaxImagePixels"] = "100000",
            ["Turntide:MaxDecodingPixels"] = "100000",
            ["Turntide:DecodeWaitMilliseconds"] = "50",
        });
        using var node = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var budget = server.Service<DecodeBudget>();
        byte[] big = Png(100, 100), small = Png(50, 50);

        // Everything is being decoded already: an image is refused, at once and without decoding.
        var all = await budget.AcquireAsync(budget.Capacity, TimeSpan.Zero);
        Assert.NotNull(all);
        foreach (var path in new[] { "/api/v1/hash", "/api/v1/match" })
        {
            var refused = await node.PostAsync(path, File(big));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("MaxDecodingPixels", await refused.Content.ReadAsStringAsync());
        }
        // A file that is not an image needs no decoding budget.
        Assert.Equal(HttpStatusCode.OK, (await node.PostAsync("/api/v1/hash", File("plain text, not an image"u8.ToArray(), "a.txt"))).StatusCode);
        all!.Dispose();

        // The budget is weighed in declared pixels: with 95,000 of 100,000 in use, 2,500 fit and 10,000 do not.
        var most = await budget.AcquireAsync(95_000, TimeSpan.Zero);
        Assert.NotNull(most);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await node.PostAsync("/api/v1/hash", File(big))).StatusCode);
        var fits = await node.PostAsync("/api/v1/hash", File(small));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Contains("\"pdq\"", await fits.Content.ReadAsStringAsync());
        most!.Dispose();

        // Free again: the image that was refused is hashed, and every request gave back what it took.
        var hashed = await node.PostAsync("/api/v1/hash", File(big));
        Assert.Equal(HttpStatusCode.OK, hashed.StatusCode);
        Assert.Equal("photo", (await hashed.Content.ReadFromJsonAsync<HashResultDto>(Json.Options))!.ContentType);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task AnUploadWaitsBrieflyForBudgetAndIsDecodedWhenItFreesUp()
    {
        await using var server = await TestServer.StartAsync(role: "node", settings: new Dictionary<string, string?>
        {
            ["Turntide:MaxImagePixels"] = "100000",
            ["Turntide:MaxDecodingPixels"] = "100000",
            ["Turntide:DecodeWaitMilliseconds"] = "60000",
        });
        using var node = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var budget = server.Service<DecodeBudget>();
        var all = await budget.AcquireAsync(budget.Capacity, TimeSpan.Zero);
        var pending = node.PostAsync("/api/v1/hash", File(Png(100, 100)));
        // The request arrives and waits on the budget rather than being refused; released, it completes.
        await Wait.UntilAsync(() => budget.Waiting > 0 || pending.IsCompleted, "the request to wait on the decode budget");
        Assert.Equal(1, budget.Waiting);
        Assert.False(pending.IsCompleted);
        all!.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await pending).StatusCode);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task StartUpRefusesADecodingBudgetSmallerThanTheLargestImage()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Turntide:MaxImagePixels"] = "100000",
            ["Turntide:MaxDecodingPixels"] = "99999",
        }));
        Assert.Contains("MaxDecodingPixels", error.Message);
    }
}
