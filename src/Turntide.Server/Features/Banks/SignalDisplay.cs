using Turntide.Core.Signals;

namespace Turntide.Server.Features.Banks;

/// <summary>How pages show a signal's value: as it is, except a vPDQ, whose hundreds of lines would bury the page.</summary>
internal static class SignalDisplay
{
    public static string Short(string signalType, string value)
    {
        if (signalType != SignalTypes.VpdqName)
            return value;
        int frames = value.AsSpan().TrimEnd('\n').Count('\n') + 1;
        int firstEnd = value.IndexOf('\n');
        return $"{frames} frame{(frames == 1 ? "" : "s")}, first {(firstEnd < 0 ? value : value[..firstEnd])}";
    }
}
