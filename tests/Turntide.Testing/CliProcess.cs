using System.Diagnostics;

namespace Turntide.Testing;

/// <summary>Runs the built turntide CLI as a real process, as a user or a script would.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string[] OutLines => StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public string[] ErrLines => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The CLI copied beside the tests (in a test project that references the CLI project).</summary>
    public static Result Run(string workingDirectory, params string[] args) =>
        Run(Path.Combine(AppContext.BaseDirectory, "turntide.dll"), workingDirectory, null, args);

    /// <param name="dll">The CLI to run: the copy beside the tests, or the CLI project's own build (<c>BuiltCli</c>).</param>
    /// <param name="environment">Variables to set; the caller's TURNTIDE_API_KEY is never passed on unless given here.</param>
    public static Result Run(string dll, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment.Remove("TURNTIDE_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"turntide {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new Result(process.ExitCode, stdout.Replace("\r", ""), stderr.Result.Replace("\r", ""));
    }
}
