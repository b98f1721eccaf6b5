using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Turntide.Server.Tests.Infrastructure;
using Turntide.Tests.Shared;

namespace Turntide.Server.Tests.Replicas;

/// <summary>
/// <c>turntide serve</c> as its own process, on a loopback port and a given database, as an operator runs a replica.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<HttpClient> _clients = [];

    private ServeProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<ServeProcess> StartAsync(TestDatabase database, string role = "both")
    {
        int port = BuiltCli.FreePort();
        var start = new ProcessStartInfo("dotnet", [BuiltCli.Assembly(), "serve", "--urls", $"http://127.0.0.1:{port}", "--role", role])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in database.Settings())
            start.Environment[name.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        var server = new ServeProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = server.Address };
        for (int i = 0; i < 1200 && !process.HasExited; i++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        var output = server.Output;
        await server.DisposeAsync();
        throw new InvalidOperationException($"turntide serve did not become ready:\n{output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public HttpClient WithKey(string key)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients)
            c.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
