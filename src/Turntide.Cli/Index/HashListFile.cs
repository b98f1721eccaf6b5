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
        ForEachLine(path, maxLines, (number, line, tooLong) =>
        {
            if (tooLong)
                result.Bad.Add(new BadLine(path, number, TooLong));
            else if (line.IsWhiteSpace())
                return;
            else if (TryParseEntry(line, number, out var hash, out long id, out string? error))
            {
                result.Ids.Add(id);
                result.Hashes.Add(hash);
            }
            else
                result.Bad.Add(new BadLine(path, number, error!));
        });
        return result;
    }

    public sealed record Query(long Line, Hash256 Hash);

    public static (List<Query> Queries, List<BadLine> Bad) ReadQueries(string path, long maxLines = DefaultMaxLines)
    {
        var queries = new List<Query>();
        var bad = new List<BadLine>();
        ForEachLine(path, maxLines, (number, line, tooLong) =>
        {
            if (tooLong)
            {
                bad.Add(new BadLine(path, number, TooLong));
                return;
            }
            if (line.IsWhiteSpace())
                return;
            int comma = line.IndexOf(',');
            var field = (comma < 0 ? line : line[..comma]).Trim();
            if (Hash256.TryParse(field, out var hash, out var error))
                queries.Add(new Query(number, hash));
            else
                bad.Add(new BadLine(path, number, error!));
        });
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

    private delegate void LineHandler(long number, ReadOnlySpan<char> line, bool tooLong);

    /// <summary>
    /// Calls <paramref name="handle"/> for each line with its 1-based number, straight from the read buffer
    /// (no string per line). No line is held past <see cref="MaxLineLength"/> characters: a longer one is
    /// reported as too long, whatever its length.
    /// </summary>
    private static void ForEachLine(string path, long maxLines, LineHandler handle)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 20);
        var buffer = new char[1 << 16];
        var carry = new char[MaxLineLength + 2];
        int carried = 0;
        bool tooLong = false;
        long number = 0;

        void Keep(ReadOnlySpan<char> piece)
        {
            if (tooLong)
                return;
            if (carried + piece.Length > carry.Length)
            {
                tooLong = true;
                carried = 0;
                return;
            }
            piece.CopyTo(carry.AsSpan(carried));
            carried += piece.Length;
        }

        void Emit(ReadOnlySpan<char> line)
        {
            if (++number > maxLines)
                throw new InvalidDataException($"{path}: more than {maxLines} lines (see --max-lines)");
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            handle(number, tooLong ? default : line, tooLong || line.Length > MaxLineLength);
            carried = 0;
            tooLong = false;
        }

        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            while (start < read)
            {
                int newline = buffer.AsSpan(start, read - start).IndexOf('\n');
                if (newline < 0)
                {
                    Keep(buffer.AsSpan(start, read - start));
                    break;
                }
                var piece = buffer.AsSpan(start, newline);
                if (carried == 0 && !tooLong)
                {
                    Emit(piece);
                }
                else
                {
                    Keep(piece);
                    Emit(carry.AsSpan(0, carried));
                }
                start += newline + 1;
            }
        }
        if (carried > 0 || tooLong)
            Emit(carry.AsSpan(0, carried));
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..37], "...");
}
