using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Turntide.Tests.Shared;

namespace Turntide.Cli.Tests.Serving;

/// <summary><c>turntide serve</c> as a person starts it: a separate process on a loopback port and a data folder.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task ServeStartsTheServerWithTheGivenRoleOnAnEmptyDataFolder()
    {
        var data = Path.Combine(Path.GetTempPath(), "turntide-serve-tests", Guid.NewGuid().ToString("n"));
        int port = BuiltCli.FreePort();
        var start = new ProcessStartInfo("dotnet", [BuiltCli.Assembly(), "serve",
            "--urls", $"http://127.0.0.1:{port}", "--data", data, "--role", "node"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpStatusCode? ready = null;
            for (int i = 0; i < 600 && ready != HttpStatusCode.OK && !process.HasExited; i++)
            {
                try { ready = (await client.GetAsync("/health/ready")).StatusCode; } catch (HttpRequestException) { }
                if (ready != HttpStatusCode.OK)
                    await Task.Delay(100);
            }
            Assert.Equal(HttpStatusCode.OK, ready);
            Assert.True(File.Exists(Path.Combine(data, "turntide.db")));
            // A node: matching exists (it wants a key), bank curation does not.
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/match?signal_type=md5&signal=" + new string('a', 32))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/banks")).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }
}
