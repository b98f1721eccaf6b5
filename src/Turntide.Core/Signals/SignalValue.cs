using System.Globalization;
using System.Text;
using Turntide.Core.Hashing.Digests;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Hashing.Urls;
using Turntide.Core.Index;

namespace Turntide.Core.Signals;

/// <summary>
/// One signal: its type and its value in the one canonical text form that is stored, shared and compared.
/// <see cref="Parse"/> validates and canonicalises, so two values are the same signal exactly when they are equal:
/// <list type="bullet">
/// <item>pdq: 64 hex digits (<see cref="Hash256.Parse"/>), written lower case.</item>
/// <item>md5: 32 hex digits; sha256: 64 hex digits; written lower case.</item>
/// <item>url: any http(s) link, stored in its canonical form (<see cref="UrlCanonicalizer"/>).</item>
/// <item>text: <c>text-sha256-v1:</c> and 64 hex digits (<see cref="TextDigest"/>).</item>
/// <item>vpdq: the reference hasher's lines <c>frame,quality,hash,timestamp</c>, one per sampled frame, frame
/// numbers increasing, quality 0..100, the timestamp in seconds with 3 decimals; lines end with '\n'.</item>
/// </list>
/// </summary>
public readonly record struct SignalValue
{
    /// <summary>The most frames a vPDQ value may hold: a day of video at one frame a second, twice over.</summary>
    public const int MaxVpdqFrames = 200_000;

    /// <summary>Longest accepted text of a single-line value (a URL is the longest).</summary>
    public const int MaxLineValueLength = UrlCanonicalizer.MaxLength;

    private SignalValue(SignalType type, string value)
    {
        Type = type;
        Value = value;
    }

    public SignalType Type { get; }

    /// <summary>The canonical text form.</summary>
    public string Value { get; }

    public override string ToString() => $"{Type.Name()}:{Value}";

    /// <exception cref="FormatException">The text is not a valid value of the type; the message says why.</exception>
    public static SignalValue Parse(SignalType type, string text) =>
        TryParse(type, text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(SignalType type, string? text, out SignalValue value, out string? error)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            error = $"a {type.Name()} value is empty";
            return false;
        }
        if (type != SignalType.Vpdq && text.Length > MaxLineValueLength)
        {
            error = $"a {type.Name()} value of {text.Length} characters is over the limit of {MaxLineValueLength}";
            return false;
        }
        string? canonical;
        switch (type)
        {
            case SignalType.Pdq:
                canonical = Hash256.TryParse(text, out var hash, out error) ? hash.ToString() : null;
                break;
            case SignalType.Md5:
                canonical = Hex(text, FileDigester.Md5HexLength, "an MD5", out error);
                break;
            case SignalType.Sha256:
                canonical = Hex(text, FileDigester.Sha256HexLength, "a SHA-256", out error);
                break;
            case SignalType.Url:
                canonical = UrlCanonicalizer.TryCanonicalize(text, out var url, out error) ? url!.Value : null;
                break;
            case SignalType.Text:
                TextDigest.TryParseValue(text, out canonical, out error);
                break;
            case SignalType.Vpdq:
                canonical = Vpdq(text, out error);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown signal type.");
        }
        if (canonical is null)
            return false;
        value = new SignalValue(type, canonical);
        return true;
    }

    private static string? Hex(string text, int length, string what, out string? error)
    {
        string lower = text.ToLowerInvariant();
        if (FileDigester.IsLowerHex(lower, length))
        {
            error = null;
            return lower;
        }
        error = $"'{SignalTypes.Shorten(text)}' is not {what} digest: expected {length} hex digits";
        return null;
    }

    private static string? Vpdq(string text, out string? error)
    {
        // Each line is at most ~90 characters; refuse before splitting anything huge.
        long maxChars = (long)MaxVpdqFrames * 96;
        if (text.Length > maxChars)
        {
            error = $"a vpdq value of {text.Length} characters is over the limit of {maxChars}";
            return null;
        }
        if (text.AsSpan().TrimEnd('\n').Count('\n') >= MaxVpdqFrames)
        {
            error = $"a vpdq value holds more than {MaxVpdqFrames} frames";
            return null;
        }
        var sb = new StringBuilder(text.Length);
        int frames = 0;
        long lastFrame = -1;
        int lineNumber = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            lineNumber++;
            var line = text.AsSpan()[range].TrimEnd('\r');
            if (line.IsEmpty)
            {
                // Only the final line break may leave an empty line.
                if (range.End.GetOffset(text.Length) == text.Length)
                    continue;
                error = $"vpdq line {lineNumber} is empty";
                return null;
            }
            if (!VpdqLine(line, lineNumber, out long frame, out int quality, out Hash256 hash, out double timestamp, out error))
                return null;
            if (frame <= lastFrame)
            {
                error = $"vpdq line {lineNumber}: frame {frame} does not follow frame {lastFrame}";
                return null;
            }
            if (++frames > MaxVpdqFrames)
            {
                error = $"a vpdq value holds more than {MaxVpdqFrames} frames";
                return null;
            }
            lastFrame = frame;
            sb.Append(frame.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(quality.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(hash.ToString()).Append(',')
              .Append(timestamp.ToString("F3", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (frames == 0)
        {
            error = "a vpdq value holds no frames";
            return null;
        }
        error = null;
        return sb.ToString();
    }

    private static bool VpdqLine(ReadOnlySpan<char> line, int lineNumber, out long frame, out int quality, out Hash256 hash, out double timestamp, out string? error)
    {
        frame = 0; quality = 0; hash = default; timestamp = 0;
        Span<Range> fields = stackalloc Range[5];
        if (line.Split(fields, ',') != 4)
        {
            error = $"vpdq line {lineNumber} is not frame,quality,hash,timestamp";
            return false;
        }
        // A frame number fits an int, as the hasher's and the matcher's frames do.
        if (!long.TryParse(line[fields[0]], NumberStyles.None, CultureInfo.InvariantCulture, out frame) || frame > int.MaxValue)
        {
            error = $"vpdq line {lineNumber}: '{line[fields[0]]}' is not a frame number";
            return false;
        }
        if (!int.TryParse(line[fields[1]], NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality > 100)
        {
            error = $"vpdq line {lineNumber}: '{line[fields[1]]}' is not a quality from 0 to 100";
            return false;
        }
        if (!Hash256.TryParse(line[fields[2]], out hash, out var hashError))
        {
            error = $"vpdq line {lineNumber}: {hashError}";
            return false;
        }
        if (!double.TryParse(line[fields[3]], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out timestamp) || !double.IsFinite(timestamp))
        {
            error = $"vpdq line {lineNumber}: '{line[fields[3]]}' is not a timestamp in seconds";
            return false;
        }
        error = null;
        return true;
    }
}
