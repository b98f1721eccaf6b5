using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Serialization;
using CsvHelper;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Transfer;

/// <summary>One record of an import file, as read: its line, its fields, or why it could not be read.</summary>
internal sealed record ImportLine(long Line, string? SignalType, string? Signal, IReadOnlyList<string> Labels, string? Note, string? Error)
{
    public static ImportLine Bad(long line, string error) => new(line, null, null, [], null, error);
}

/// <summary>The import cannot go on (the body is over the size limit, or CSV lost its record boundaries).</summary>
internal sealed class ImportStoppedException(string message) : Exception(message);

/// <summary>
/// Reads import files as a stream of <see cref="ImportLine"/>s, never the whole file at once. A line that cannot be read
/// becomes an error for that line and reading goes on, except where the rest of the file could not be trusted.
/// </summary>
internal static class BankFileReader
{
    /// <summary>Labels in a CSV field are separated by ';' (what export writes) or by spaces.</summary>
    private static readonly char[] LabelSeparators = [';', ' ', '\t'];

    private static readonly JsonSerializerOptions JsonLines = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        MaxDepth = 4,
    };

    public static IAsyncEnumerable<ImportLine> ReadAsync(Stream stream, TransferFormat format, int maxLineBytes, CancellationToken ct = default) =>
        format switch
        {
            TransferFormat.Csv => ReadCsvAsync(stream, maxLineBytes, ct),
            TransferFormat.Jsonl => ReadLinesAsync(stream, maxLineBytes, ParseJsonLine, ct),
            _ => ReadLinesAsync(stream, maxLineBytes, ParseHashListLine, ct),
        };

    private static async IAsyncEnumerable<ImportLine> ReadCsvAsync(Stream stream, int maxLineBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var malformed = new Queue<CsvMalformedRecord>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            AllowLineBreaksInQuotes = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = m => malformed.Enqueue(m),
            // Guards memory against a record that never ends (an unclosed quote); shorter overlong records are
            // caught one by one below.
            MaxRecordSize = maxLineBytes,
            BufferSize = Math.Max(4096, Math.Min(64 * 1024, maxLineBytes)),
            IncludeValuesInExceptions = false,
        };
        await using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        try
        {
            await reader.ReadHeaderAsync(ct);
        }
        catch (CsvFormatException e)
        {
            throw new ImportStoppedException($"line {Math.Max(1, e.LineNumber)}: the header could not be read ({e.Message})");
        }
        int typeIndex = Column(reader, "signal_type"), signalIndex = Column(reader, "signal");
        if (typeIndex < 0 || signalIndex < 0)
            throw new DomainException(
                "The CSV file must start with the header signal_type,signal,labels,note (labels and note may be left out); " +
                $"its first line names: {Shorten(string.Join(",", reader.Headers))}.");
        int labelsIndex = Column(reader, "labels"), noteIndex = Column(reader, "note");

        while (true)
        {
            bool more;
            try
            {
                more = await reader.ReadAsync(ct);
            }
            catch (CsvFormatException e)
            {
                throw new ImportStoppedException(
                    $"line {e.LineNumber}: a record longer than {maxLineBytes} bytes (or an unclosed quote); CSV records cannot be told apart after it, so the import stopped there");
            }
            while (malformed.TryDequeue(out var bad))
                yield return ImportLine.Bad(bad.LineNumber, Malformed(bad.Reason));
            if (!more)
                break;
            long line = reader.LineNumber;
            if (reader.RawRecord.Length > maxLineBytes)
            {
                yield return ImportLine.Bad(line, $"the record is {reader.RawRecord.Length} bytes long; the limit is {maxLineBytes}");
                continue;
            }
            // The reader would decode bad bytes as U+FFFD and carry on; the line formats reject such a line, and so does CSV.
            if (!Utf8.IsValid(reader.RawRecord))
            {
                yield return ImportLine.Bad(line, "the record is not valid UTF-8");
                continue;
            }
            string? labels = labelsIndex >= 0 ? CsvFormulas.Restore(reader.GetString(labelsIndex)) : null;
            yield return new ImportLine(line, CsvFormulas.Restore(reader.GetString(typeIndex)), CsvFormulas.Restore(reader.GetString(signalIndex)),
                labels is null ? [] : labels.Split(LabelSeparators, StringSplitOptions.RemoveEmptyEntries),
                noteIndex >= 0 ? CsvFormulas.Restore(reader.GetString(noteIndex)) : null, null);
        }
    }

    private static int Column(CsvReader reader, string name) => reader.TryGetFieldIndex(name, out int index) ? index : -1;

    private static string Malformed(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "the record has a different number of fields than the header",
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field (quote the whole field and double the quote)",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a field",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        _ => "malformed CSV: " + reason,
    };

    private sealed record JsonLine(string? SignalType, string? Signal, List<string>? Labels, string? Note);

    private static ImportLine ParseJsonLine(long line, string text)
    {
        try
        {
            var record = JsonSerializer.Deserialize<JsonLine>(text, JsonLines);
            if (record is null)
                return ImportLine.Bad(line, "expected a JSON object, got null");
            return new ImportLine(line, record.SignalType, record.Signal, record.Labels ?? [], record.Note, null);
        }
        catch (JsonException e)
        {
            return ImportLine.Bad(line, "not a JSON object with signal_type, signal, labels (an array of strings) and note: " + Shorten(e.Message));
        }
    }

    /// <summary>
    /// <c>hash[,meta]</c>: a PDQ hash, then anything after the first comma as the item's note. PDQ's reference hashers
    /// print <c>hash,quality,filename</c>; Turntide keeps no per-item quality, so the whole remainder is kept as the note.
    /// </summary>
    private static ImportLine ParseHashListLine(long line, string text)
    {
        int comma = text.IndexOf(',');
        string hash = (comma < 0 ? text : text[..comma]).Trim();
        string? meta = comma < 0 ? null : text[(comma + 1)..].Trim();
        return new ImportLine(line, SignalTypes.PdqName, hash, [], string.IsNullOrEmpty(meta) ? null : meta, null);
    }

    private static async IAsyncEnumerable<ImportLine> ReadLinesAsync(Stream stream, int maxLineBytes, Func<long, string, ImportLine> parse,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var lines = new LineReader(stream, maxLineBytes);
        while (await lines.ReadAsync(ct) is { } raw)
        {
            if (raw.Error is not null)
                yield return ImportLine.Bad(raw.Number, raw.Error);
            else if (!string.IsNullOrWhiteSpace(raw.Text))
                yield return parse(raw.Number, raw.Text!);
        }
    }

    internal static string Shorten(string text) => text.Length <= 200 ? text : text[..197] + "...";
}

/// <summary>One physical line: its 1-based number and its text, or why it was not read.</summary>
internal readonly record struct RawLine(long Number, string? Text, string? Error);

/// <summary>
/// Splits a UTF-8 stream into lines (LF or CRLF) with a bounded buffer: a line longer than the limit is skipped to its
/// end and reported, so one bad line costs neither memory nor the rest of the file. A leading byte order mark is dropped.
/// </summary>
internal sealed class LineReader(Stream stream, int maxLineBytes)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _buffer = new byte[Math.Max(64 * 1024, maxLineBytes + 2)];
    private int _start, _end;
    private bool _eof;
    private long _line;

    public async ValueTask<RawLine?> ReadAsync(CancellationToken ct = default)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Take(_start, newline);
                _start += newline + 1;
                return line;
            }
            if (_eof)
            {
                if (_start == _end)
                    return null;
                var last = Take(_start, _end - _start);
                _start = _end;
                return last;
            }
            if (_end - _start > maxLineBytes)
            {
                _line++;
                await SkipToNextLineAsync(ct);
                return new RawLine(_line, null, $"the line is longer than {maxLineBytes} bytes");
            }
            await FillAsync(ct);
        }
    }

    private RawLine Take(int start, int length)
    {
        _line++;
        var bytes = _buffer.AsSpan(start, length);
        if (bytes.EndsWith((byte)'\r'))
            bytes = bytes[..^1];
        if (_line == 1 && bytes.StartsWith("\uFEFF"u8))
            bytes = bytes[3..];
        if (bytes.Length > maxLineBytes)
            return new RawLine(_line, null, $"the line is {bytes.Length} bytes long; the limit is {maxLineBytes}");
        try
        {
            return new RawLine(_line, StrictUtf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            return new RawLine(_line, null, "the line is not valid UTF-8");
        }
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        int read = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0)
            _eof = true;
        _end += read;
    }

    private async ValueTask SkipToNextLineAsync(CancellationToken ct)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _start += newline + 1;
                return;
            }
            _start = _end = 0;
            if (_eof)
                return;
            await FillAsync(ct);
        }
    }
}

/// <summary>Passes a body through, stopping it once more than the limit has been read.</summary>
internal sealed class LimitedStream(Stream inner, long limit) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _over ? Count(0) : Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _over ? Count(0) : Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private bool _over;

    /// <summary>
    /// Hands on the bytes up to the limit (so the lines before it are still read), then stops the next read: the line
    /// that crosses the limit is never completed.
    /// </summary>
    private int Count(int read)
    {
        if (_over)
            throw new ImportStoppedException($"the file is larger than the import limit of {limit} bytes (Turntide:MaxImportBytes), so the import stopped there");
        if (BytesRead + read > limit)
        {
            _over = true;
            read = (int)(limit - BytesRead);
            if (read == 0)
                return Count(0);
        }
        BytesRead += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
