using System.Diagnostics;

namespace Turntide.Cli.Common;

/// <summary>A one-line progress bar on stderr, drawn only when stderr is a terminal and at most ten times a second.</summary>
internal sealed class ProgressBar(int total, string unit) : IDisposable
{
    private readonly bool _enabled = !Console.IsErrorRedirected && total > 1;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;

    public void Report(int completed)
    {
        if (!_enabled)
            return;
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastDraw < 100 && completed < total)
            return;
        _lastDraw = now;
        const int width = 30;
        int filled = (int)((long)width * completed / total);
        double rate = completed / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {completed}/{total} {unit} {rate:F0}/s ");
    }

    public void Dispose()
    {
        if (_enabled)
            Console.Error.Write("\r" + new string(' ', 80) + "\r");
    }
}
