using System.Net.Http.Headers;
using System.Text.Json;
using Turntide.Server.Demo;

namespace Turntide.Cli.Tests.Hashing;

public sealed class SampleImagesDemoTests
{
    [Fact]
    public async Task DemoPicturesMatchTheirDemoBankWhenUploaded()
    {
        using var folder = new TempFolder();
        var result = CliProcess.Run(folder.Path, "sample-images", "--demo", "--out", "pictures");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("match DEMO_CRISIS", result.StdErr);
        var written = Directory.GetFiles(Path.Combine(folder.Path, "pictures"), "*.jpg");
        Assert.Equal(DemoData.Banks.Count * DemoData.ImagesPerBank, written.Length);

        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Turntide:DemoData"] = "true" });
        using var client = server.WithKey(await server.KeyForRoleAsync("analyst", "platform"));
        foreach (var (bank, _, firstSeed, _) in DemoData.Banks)
        {
            var path = Path.Combine(folder.Path, "pictures", DemoData.PictureFileName(bank, firstSeed + 3));
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(await File.ReadAllBytesAsync(path));
            file.Headers.ContentType = MediaTypeHeaderValue.Parse("image/jpeg");
            form.Add(file, "file", Path.GetFileName(path));
            var response = await client.PostAsync("/api/v1/match", form);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var banks = JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray()
                .SelectMany(r => r.GetProperty("matches").EnumerateArray()).Select(m => m.GetProperty("bank").GetString()).ToHashSet();
            Assert.Equal([bank], banks);
        }
    }
}
