using System.ComponentModel;
using System.Diagnostics;

namespace Turntide.Core.Hashing.Video;

/// <summary>
/// One run of an FFmpeg program: arguments passed as a list (never through a shell), stdout left to the
/// caller, stderr collected on the side (the first lines only, so a chatty decoder cannot fill memory).
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    private const int MaxKeptLines = 20;
    private const int MaxLineLength = 300;

    private readonly Process _process;
    private readonly List<string> _errors = [];
    private readonly Task _stderrPump;
    private int _errorCount;

    private FfmpegProcess(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(PumpStderr);
    }

    public Stream Stdout => _process.StandardOutput.BaseStream;

    /// <summary>Number of lines FFmpeg wrote to stderr so far (at log level "error": each one an error).</summary>
    public int ErrorCount => Volatile.Read(ref _errorCount);

    /// <exception cref="VideoDecodeException">The program cannot be started (typically: FFmpeg is not installed).</exception>
    public static FfmpegProcess Start(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        try
        {
            var process = Process.Start(info) ?? throw new VideoDecodeException($"cannot start {program}");
            return new FfmpegProcess(process);
        }
        catch (Win32Exception ex)
        {
            throw new VideoDecodeException(
                $"cannot run {program} ({ex.Message}); install FFmpeg (Debian package ffmpeg, installed by scripts/setup.sh)", ex);
        }
    }

    /// <summary>Waits for the program to end; false when it did not end in time (it is then killed).</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            return false;
        }
        _process.WaitForExit();
        _stderrPump.Wait(TimeSpan.FromSeconds(5));
        return true;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The first stderr lines, each cut to a readable length.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
                return [.. _errors];
        }
    }

    /// <summary>The first stderr line, or null when there was none.</summary>
    public string? FirstError
    {
        get
        {
            lock (_errors)
                return _errors.Count > 0 ? _errors[0] : null;
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task PumpStderr()
    {
        var reader = _process.StandardError;
        string? line;
        while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            if (line.Length == 0)
                continue;
            lock (_errors)
            {
                if (_errors.Count < MaxKeptLines)
                    _errors.Add(Clean(line));
            }
            // Counted after it is kept, so a reader that sees the count also sees the first line.
            Interlocked.Increment(ref _errorCount);
        }
    }

    /// <summary>FFmpeg prefixes messages with "[h264 @ 0x55...]"; the address means nothing to a reader.</summary>
    private static string Clean(string line)
    {
        var cleaned = System.Text.RegularExpressions.Regex.Replace(line, @" @ 0x[0-9a-fA-F]+\]", "]").Trim();
        return cleaned.Length <= MaxLineLength ? cleaned : cleaned[..MaxLineLength] + "...";
    }
}
