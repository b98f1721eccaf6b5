using System.Buffers;

namespace Turntide.Cli.Common;

/// <summary>A whole file read into a pooled buffer, refused before reading when it is over the size limit.</summary>
internal sealed class FileBytes : IDisposable
{
    private byte[]? _buffer;

    private FileBytes(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <exception cref="InputException">The file is over <paramref name="maxBytes"/> or cannot be read.</exception>
    public static FileBytes Read(string path, long maxBytes)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            long length = RandomAccess.GetLength(handle);
            if (length > maxBytes)
                throw new InputException($"file is {length} bytes, over the limit of {maxBytes} (see --max-bytes)");
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            int total = 0;
            while (total < length)
            {
                int n = RandomAccess.Read(handle, buffer.AsSpan(total, (int)length - total), total);
                if (n == 0)
                    break;
                total += n;
            }
            return new FileBytes(buffer, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException(ex.Message);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>A problem with one input: reported as one line naming the input, and the batch goes on.</summary>
internal sealed class InputException(string reason) : Exception(reason);
