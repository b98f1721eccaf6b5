using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Turntide.Cli.Tests.Serving;

/// <summary><c>turntide serve</c> as a person starts it: a separate process on a loopback port and a data folder.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task ServeStartsTheServerWithTheGivenRoleOnAnEmptyDataFolder()
    {
        var data = Path.Combine(Path.GetTempPath(), "turntide-serve-tests", Guid.NewGuid().ToString("n"));
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet", [CliAssembly(), "serve",
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

    /// <summary>
    /// The CLI as its own project built it (the same configuration as these tests): a test project's output folder
    /// resolves shared framework assemblies differently and is no place to run an app from.
    /// </summary>
    private static string CliAssembly()
    {
        var testsBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var marker = Path.Combine("tests", "Turntide.Cli.Tests");
        int at = testsBin.LastIndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"Unexpected test folder {testsBin}.");
        var path = Path.Combine(testsBin[..at] + Path.Combine("src", "Turntide.Cli") + testsBin[(at + marker.Length)..], "turntide.dll");
        Assert.True(File.Exists(path), $"The CLI is not built at {path}: build Turntide.slnx first.");
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
