using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Turntide.Tests.Shared;

namespace Turntide.Cli.Tests.Exchange;

/// <summary>
/// <c>turntide serve</c> as a separate process on a fixed loopback port and data folder, so it can be stopped and started
/// again where it was (a hub restart, a node restart).
/// </summary>
internal sealed class ServerProcess(string name, string role, string data, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private Process? _process;
    private readonly StringBuilder _log = new();

    public int Port { get; } = BuiltCli.FreePort();
    public string Url => $"http://127.0.0.1:{Port}";
    public string Data => data;
    public string Name => name;

    /// <summary>Everything the process wrote, for failure messages and for checking that no secret was logged.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet", [BuiltCli.Assembly(), "serve", "--urls", Url, "--data", data, "--role", role])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        for (int i = 0; i < 600; i++)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{name} exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{name} did not become ready in 60 s:\n{Log}");
    }

    public async Task StopAsync()
    {
        if (_process is null)
            return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
