using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Hashing;

/// <summary>
/// Reads the multipart part named <c>file</c> straight into memory, never to a temporary file (ASP.NET's form
/// reader spills large files to disk; Turntide must not keep media anywhere), and refuses it past the limit.
/// </summary>
internal static class UploadReader
{
    public sealed class Upload(byte[] buffer, int length, string? fileName) : IDisposable
    {
        private byte[]? _buffer = buffer;

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, length);
        public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, length);

        /// <summary>A read-only stream over the upload, for hashers that read streams (video).</summary>
        public Stream OpenRead() => new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(Upload)), 0, length, writable: false);
        public int Length => length;
        public string? FileName => fileName;

        public void Dispose()
        {
            var b = Interlocked.Exchange(ref _buffer, null);
            if (b is not null)
            {
                // Media is discarded: wipe it before the buffer goes back to the pool.
                Array.Clear(b, 0, length);
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }

    public static bool IsMultipart(HttpRequest request) =>
        request.ContentType is { } ct && ct.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    public static async Task<Upload> ReadFileAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes + 64 * 1024;
        if (!IsMultipart(request) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
            throw new DomainException("Send the media as multipart/form-data with a part named 'file'.", StatusCodes.Status415UnsupportedMediaType);
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            throw new DomainException("The multipart boundary is missing or too long.");

        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        int parts = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++parts > 8)
                    throw new DomainException("Too many parts in the upload: send one part named 'file'.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "file", StringComparison.Ordinal))
                    continue;
                return await ReadLimitedAsync(section.Body, maxBytes, HeaderUtilities.RemoveQuotes(disposition.FileName).Value, ct);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's body limit stopped a body far past the file limit (or with large other parts): too large, not malformed.
            throw new DomainException($"The upload is larger than the limit of {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        catch (IOException ex) when (ex is not EndOfStreamException and not BadHttpRequestException)
        {
            throw new DomainException("The multipart body is malformed: " + ex.Message);
        }
        catch (InvalidDataException ex)
        {
            throw new DomainException("The multipart body is malformed: " + ex.Message);
        }
        throw new DomainException("The upload has no part named 'file'.");
    }

    private static async Task<Upload> ReadLimitedAsync(Stream body, long maxBytes, string? fileName, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    Array.Clear(buffer, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read = await body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), ct);
                if (read == 0)
                    break;
                length += read;
                if (length > maxBytes)
                    throw new DomainException($"The file is larger than the limit of {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }
            if (length == 0)
                throw new DomainException("The file is empty.");
            return new Upload(buffer, length, fileName);
        }
        catch
        {
            Array.Clear(buffer, 0, Math.Min(length, buffer.Length));
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
