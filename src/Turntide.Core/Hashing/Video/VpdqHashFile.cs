using System.Globalization;
using System.Text;
using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Video;

/// <summary>
/// The reference's vPDQ hash file: one line per hashed frame, <c>frame,quality,hash,timestamp</c>
/// (for example <c>0,100,e271...055c,0.000</c>), as <c>vpdq-hash-video</c> writes it and its matchers read it.
/// </summary>
public static class VpdqHashFile
{
    /// <summary>Refuse files with more lines than this: a day of video hashed at every frame of 30 fps is 2.6 million.</summary>
    public const int DefaultMaxFrames = 5_000_000;

    /// <summary>A line is about 75 characters; anything far longer is not a hash file.</summary>
    public const int MaxLineLength = 1024;

    /// <summary>Writes one reference line per frame.</summary>
    public static void Write(TextWriter writer, IEnumerable<VpdqFrame> frames)
    {
        foreach (var frame in frames)
            writer.Write(frame.ToString() + "\n");
    }

    /// <summary>Reads a hash file, refusing it unread when it is over <paramref name="maxBytes"/>.</summary>
    /// <exception cref="FormatException">A line is malformed (the message names the line) or the file is empty.</exception>
    public static IReadOnlyList<VpdqFrame> Read(string path, int maxFrames = DefaultMaxFrames, long maxBytes = 512L << 20)
    {
        long length = new FileInfo(path).Length;
        if (length > maxBytes)
            throw new FormatException($"the hash file is {length} bytes, over the limit of {maxBytes}");
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        return Parse(reader, maxFrames);
    }

    /// <summary>
    /// Parses the reference format. As the reference reader: fields are split on commas, at least four are
    /// needed (more are ignored), and an empty file is an error. Stricter than it on purpose: numbers must be
    /// whole fields (the reference's <c>stoi</c> would read "12abc" as 12), quality must be 0..100, the frame
    /// number and timestamp must not be negative. Blank lines are skipped.
    /// </summary>
    /// <exception cref="FormatException">A line is malformed (the message names the line) or there is no line.</exception>
    public static IReadOnlyList<VpdqFrame> Parse(TextReader reader, int maxFrames = DefaultMaxFrames)
    {
        var frames = new List<VpdqFrame>();
        int lineNumber = 0;
        while (ReadLine(reader, lineNumber + 1) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (frames.Count >= maxFrames)
                throw new FormatException($"more than {maxFrames} frames");
            frames.Add(ParseLine(line, lineNumber));
        }
        if (frames.Count == 0)
            throw new FormatException("the hash file has no frames");
        return frames;
    }

    /// <summary>Parses one line; <paramref name="lineNumber"/> only serves the error message.</summary>
    public static VpdqFrame ParseLine(string line, int lineNumber = 1)
    {
        var fields = line.Split(',');
        if (fields.Length < 4)
            throw new FormatException($"line {lineNumber}: expected frame,quality,hash,timestamp, got {fields.Length} field(s)");
        if (!int.TryParse(fields[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int frame))
            throw new FormatException($"line {lineNumber}: frame number '{Shorten(fields[0])}' is not a whole number >= 0");
        if (!int.TryParse(fields[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int quality) || quality > 100)
            throw new FormatException($"line {lineNumber}: quality '{Shorten(fields[1])}' is not a whole number 0..100");
        if (!Hash256.TryParse(fields[2].Trim(), out var hash, out var hashError))
            throw new FormatException($"line {lineNumber}: {hashError}");
        if (!double.TryParse(fields[3].Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double timestamp)
            || !double.IsFinite(timestamp))
            throw new FormatException($"line {lineNumber}: timestamp '{Shorten(fields[3])}' is not a number of seconds >= 0");
        return new VpdqFrame(frame, quality, hash, timestamp);
    }

    /// <summary>
    /// True when the file starts like a vPDQ hash file (its first non-blank line parses), false for anything
    /// else, such as a video. Reads at most a few kilobytes.
    /// </summary>
    public static bool LooksLikeHashFile(string path)
    {
        Span<byte> head = stackalloc byte[4096];
        int n;
        using (var stream = File.OpenRead(path))
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        if (head.StartsWith("\uFEFF"u8))
            head = head[3..];
        foreach (byte b in head)
        {
            // Hash files are plain ASCII; a NUL or control byte means binary media.
            if (b is 0 or (< 0x20 and not (byte)'\n' and not (byte)'\r' and not (byte)'\t') or >= 0x80)
                return false;
        }
        var text = Encoding.ASCII.GetString(head);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                ParseLine(line);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        return false;
    }

    private static string? ReadLine(TextReader reader, int lineNumber)
    {
        // TextReader.ReadLine has no length limit; read characters so a hostile file cannot make one huge line.
        var builder = new StringBuilder();
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n')
                return TrimCr(builder);
            if (builder.Length >= MaxLineLength)
                throw new FormatException($"line {lineNumber}: longer than {MaxLineLength} characters");
            builder.Append((char)c);
        }
        return builder.Length > 0 ? TrimCr(builder) : null;
    }

    private static string TrimCr(StringBuilder builder)
    {
        if (builder.Length > 0 && builder[^1] == '\r')
            builder.Length--;
        return builder.ToString();
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
