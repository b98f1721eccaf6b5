using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Turntide.Testing;

/// <summary>
/// <c>turntide serve</c> as its own process on a loopback port, as an operator runs it: a hub, a node, or one of several
/// replicas on one database. It keeps its port and data folder across <see cref="StopAsync"/> and
/// <see cref="StartAsync()"/>, so a test can restart it where it was.
/// </summary>
internal sealed class ServerProcess(string name, string role, string data, IReadOnlyDictionary<string, string>? environment = null) : IAsyncDisposable
{
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(90);

    private Process? _process;
    private readonly StringBuilder _log = new();
    private readonly List<HttpClient> _clients = [];

    /// <summary>A process on a test database (SQLite in its folder, or its PostgreSQL database), started and ready.</summary>
    public static async Task<ServerProcess> StartAsync(TestDatabase database, string role = "both", string name = "turntide serve")
    {
        var server = new ServerProcess(name, role, database.DataDirectory, database.Environment());
        try
        {
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public int Port { get; } = BuiltCli.FreePort();
    public string Url => $"http://127.0.0.1:{Port}";
    public Uri Address => new(Url);
    public string Data => data;
    public string Name => name;

    /// <summary>Everything the process wrote, for failure messages and for checking that no secret was logged.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts the process and returns once <c>/health/ready</c> answers 200; fails with its output if it exits or never does.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet", [BuiltCli.Assembly(), "serve", "--urls", Url, "--data", data, "--role", role])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var process = _process;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{Log}");
                try
                {
                    return (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            }, $"{name} to answer /health/ready", ReadyBound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Its output:\n{Log}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
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

    /// <summary>A client sending the API key, disposed with the process.</summary>
    public HttpClient Client(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Anonymous()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        lock (_clients)
            _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var c in _clients)
                c.Dispose();
            _clients.Clear();
        }
        await StopAsync();
    }
}
