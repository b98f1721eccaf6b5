using System.Globalization;
using Turntide.Core.Index;

namespace Turntide.Cli.Index;

/// <summary>One bad line of a hash list: where, and why.</summary>
internal sealed record BadLine(string Path, long Line, string Reason)
{
    public override string ToString() => $"{Path}:{Line}: {Reason}";
}

/// <summary>
/// Reads hash lists. An index source has one <c>hash[,id]</c> per line (without an id the 1-based line number
/// is the id); a query list has a hash first on each line and anything after a comma is ignored, so the
/// output of <c>turntide hash</c> can be used as queries. Blank lines are skipped (they still count as lines).
/// </summary>
internal static class HashListFile
{
    public const int MaxLineLength = 4096;

    private static readonly string TooLong = $"line is longer than {MaxLineLength} characters";

    /// <summary>Refuses a list larger than this many lines before it fills memory.</summary>
    public const long DefaultMaxLines = 100_000_000;

    public sealed class Entries
    {
        public List<long> Ids { get; } = [];
        public List<Hash256> Hashes { get; } = [];
        public List<BadLine> Bad { get; } = [];
    }

    public static Entries ReadEntries(string path, long maxLines = DefaultMaxLines)
    {
        var result = new Entries();
        foreach (var (lineNumber, line) in Lines(path, maxLines))
        {
            if (line is null)
            {
                result.Bad.Add(new BadLine(path, lineNumber, TooLong));
                continue;
            }
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (TryParseEntry(line, lineNumber, out var hash, out long id, out string? error))
            {
                result.Ids.Add(id);
                result.Hashes.Add(hash);
            }
            else
            {
                result.Bad.Add(new BadLine(path, lineNumber, error!));
            }
        }
        return result;
    }

    public sealed record Query(long Line, Hash256 Hash);

    public static (List<Query> Queries, List<BadLine> Bad) ReadQueries(string path, long maxLines = DefaultMaxLines)
    {
        var queries = new List<Query>();
        var bad = new List<BadLine>();
        foreach (var (lineNumber, line) in Lines(path, maxLines))
        {
            if (line is null)
            {
                bad.Add(new BadLine(path, lineNumber, TooLong));
                continue;
            }
            if (string.IsNullOrWhiteSpace(line))
                continue;
            int comma = line.IndexOf(',');
            var field = (comma < 0 ? line.AsSpan() : line.AsSpan(0, comma)).Trim();
            if (Hash256.TryParse(field, out var hash, out var error))
                queries.Add(new Query(lineNumber, hash));
            else
                bad.Add(new BadLine(path, lineNumber, error!));
        }
        return (queries, bad);
    }

    internal static bool TryParseEntry(ReadOnlySpan<char> line, long lineNumber, out Hash256 hash, out long id, out string? error)
    {
        id = lineNumber;
        int comma = line.IndexOf(',');
        var hashField = (comma < 0 ? line : line[..comma]).Trim();
        if (!Hash256.TryParse(hashField, out hash, out error))
            return false;
        if (comma >= 0)
        {
            var idField = line[(comma + 1)..].Trim();
            if (!long.TryParse(idField, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id))
            {
                error = idField.IndexOf(',') >= 0
                    ? "expected hash or hash,id but found more fields"
                    : $"'{Shorten(idField)}' is not a 64-bit integer id";
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Lines with 1-based numbers, read in chunks so that no line is held past <see cref="MaxLineLength"/>
    /// characters: a longer one comes back as null and is reported, whatever its length.
    /// </summary>
    private static IEnumerable<(long Number, string? Line)> Lines(string path, long maxLines)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 20);
        var buffer = new char[1 << 16];
        var line = new System.Text.StringBuilder();
        bool tooLong = false;
        long number = 0;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            while (start < read)
            {
                int newline = Array.IndexOf(buffer, '\n', start, read - start);
                int end = newline < 0 ? read : newline;
                if (!tooLong)
                {
                    line.Append(buffer, start, end - start);
                    if (line.Length > MaxLineLength + 1)
                    {
                        tooLong = true;
                        line.Clear();
                    }
                }
                if (newline < 0)
                    break;
                if (++number > maxLines)
                    throw new InvalidDataException($"{path}: more than {maxLines} lines (see --max-lines)");
                yield return (number, Finish(line, tooLong));
                line.Clear();
                tooLong = false;
                start = newline + 1;
            }
        }
        if (line.Length > 0 || tooLong)
        {
            if (++number > maxLines)
                throw new InvalidDataException($"{path}: more than {maxLines} lines (see --max-lines)");
            yield return (number, Finish(line, tooLong));
        }
    }

    private static string? Finish(System.Text.StringBuilder line, bool tooLong)
    {
        if (tooLong)
            return null;
        if (line.Length > 0 && line[^1] == '\r')
            line.Length--;
        return line.Length > MaxLineLength ? null : line.ToString();
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..37], "...");
}
