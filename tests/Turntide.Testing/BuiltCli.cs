using System.Net;
using System.Net.Sockets;

namespace Turntide.Testing;

/// <summary>
/// The turntide CLI as the solution build left it, for tests that run it as a real process (a server among others).
/// A test project's own output folder resolves shared framework assemblies differently and is no place to run an
/// app from, so the CLI project's output of the same configuration is used.
/// </summary>
internal static class BuiltCli
{
    public static string Assembly()
    {
        var testsBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var marker = Path.DirectorySeparatorChar + "tests" + Path.DirectorySeparatorChar;
        int at = testsBin.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
            throw new InvalidOperationException($"Unexpected test folder {testsBin}: tests run from tests/<project>/bin/....");
        // tests/<project>/bin/<configuration>/<framework> → src/Turntide.Cli/bin/<configuration>/<framework>
        var rest = testsBin[(at + marker.Length)..];
        var afterProject = rest[rest.IndexOf(Path.DirectorySeparatorChar)..];
        var path = Path.Combine(testsBin[..at] + Path.DirectorySeparatorChar + Path.Combine("src", "Turntide.Cli") + afterProject, "turntide.dll");
        if (!File.Exists(path))
            throw new InvalidOperationException($"The CLI is not built at {path}: build Turntide.slnx first.");
        return path;
    }

    /// <summary>A loopback port free at the moment of asking, for a server process to listen on.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
