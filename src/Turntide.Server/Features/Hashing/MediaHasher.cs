using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Imaging;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Hashing;

/// <summary>A signal computed from media, with PDQ's quality where it has one.</summary>
internal sealed record ComputedSignal(string SignalType, string Value, int? Quality);

/// <summary>What <c>POST /api/v1/hash</c> returns.</summary>
internal sealed record HashResultDto(string ContentType, string? Format, long Bytes, IReadOnlyList<ComputedSignal> Signals);

/// <summary>
/// Every signal of a file, as Core's <see cref="FileSignalChoice"/> picks them for its kind: MD5 and SHA-256 of the
/// bytes for any file, PDQ for photos (Turntide.Core's decoders and bit-exact PDQ), vPDQ for videos (FFmpeg, one hash
/// per second), and the normalised-text digest for PDFs and text. Photos, PDFs and text are hashed in memory; a video
/// is copied to an owner-only temporary file for FFmpeg, which needs to seek, and the file is deleted as soon as it
/// is hashed.
/// </summary>
internal sealed class MediaHasher(IOptions<HashingOptions> options)
{
    public async Task<HashResultDto> HashAsync(UploadReader.Upload upload, CancellationToken ct)
    {
        var kind = ContentSniffer.Detect(upload.Span, upload.FileName, complete: true);
        var result = Hash(upload.Span, kind);
        var wanted = FileSignalChoice.Applicable(kind.Kind);
        if (wanted.Contains(SignalType.Vpdq))
            result = await WithVideoAsync(result, upload, kind, ct);
        if (wanted.Contains(SignalType.Text))
            result = WithText(result, upload, kind);
        return result;
    }

    private async Task<HashResultDto> WithVideoAsync(HashResultDto result, UploadReader.Upload upload, DetectedKind kind, CancellationToken ct)
    {
        var vpdqOptions = VpdqOptions.Default with
        {
            Threads = 1, // a request uses one core; concurrent requests share the machine
            Limits = VideoLimits.Default with { MaxBytes = options.Value.MaxUploadBytes },
        };
        try
        {
            await using var stream = upload.OpenRead();
            var video = await VpdqHasher.HashStreamAsync(stream, vpdqOptions, ct);
            using var text = new StringWriter();
            VpdqHashFile.Write(text, video.Frames);
            return result with
            {
                ContentType = "video",
                Format = kind.Format,
                Signals = InOrder([.. result.Signals, new ComputedSignal(SignalTypes.VpdqName, text.ToString(), null)]),
            };
        }
        catch (VideoDecodeException ex)
        {
            throw new DomainException($"The video could not be hashed: {ex.Message}.", StatusCodes.Status422UnprocessableEntity);
        }
    }

    private HashResultDto WithText(HashResultDto result, UploadReader.Upload upload, DetectedKind kind)
    {
        var limits = new TextLimits { MaxBytes = options.Value.MaxUploadBytes };
        try
        {
            var digest = kind.Kind == FileKind.Pdf
                ? PdfText.Digest(upload.Span.ToArray(), limits)
                : TextDigester.Digest(upload.OpenRead(), limits);
            return result with
            {
                ContentType = kind.Kind == FileKind.Pdf ? "pdf" : "text",
                Format = kind.Format,
                Signals = InOrder([.. result.Signals, new ComputedSignal(SignalTypes.TextName, digest.Value, null)]),
            };
        }
        catch (Exception ex) when (ex is PdfTextException or TextDigestException)
        {
            // A scanned PDF or a blank text has no text signal; its digests still identify it. Damage is an error.
            if (kind.Kind == FileKind.Pdf && !ex.Message.StartsWith("the PDF has no extractable text", StringComparison.Ordinal))
                throw new DomainException($"The PDF's text could not be read: {ex.Message}.", StatusCodes.Status422UnprocessableEntity);
            return result;
        }
    }

    /// <summary>Signals in the order of Core's types (pdq, vpdq, md5, sha256, url, text), as the CLI lists them.</summary>
    private static List<ComputedSignal> InOrder(IEnumerable<ComputedSignal> signals) =>
        [.. signals.OrderBy(s => SignalTypes.Parse(s.SignalType))];

    /// <summary>PDQ (for photos), MD5 and SHA-256 of bytes in memory.</summary>
    public HashResultDto Hash(ReadOnlySpan<byte> bytes) => Hash(bytes, ContentSniffer.Detect(bytes, complete: true));

    private HashResultDto Hash(ReadOnlySpan<byte> bytes, DetectedKind kind)
    {
        var wanted = FileSignalChoice.Applicable(kind.Kind);
        var signals = new List<ComputedSignal>(3);
        string contentType = "file";
        string? format = null;
        var limits = new DecodeLimits { MaxBytes = options.Value.MaxUploadBytes, MaxPixels = options.Value.MaxImagePixels };
        // Only images the decoders read get PDQ; other files, TIFF and HEIF included, are hashed as plain bytes.
        if (wanted.Contains(SignalType.Pdq) && ImageFormats.Sniff(bytes) is { Supported: true })
        {
            try
            {
                using var image = ImageDecoder.Default.Decode(bytes, limits);
                var pdq = PdqHasher.Hash(image.Raster);
                signals.Add(new ComputedSignal(SignalTypes.PdqName, pdq.Hash.ToString(), pdq.Quality));
                contentType = "photo";
                format = image.Format;
            }
            catch (ImageDecodeException ex)
            {
                throw new DomainException($"The image could not be decoded: {ex.Message}.", StatusCodes.Status422UnprocessableEntity);
            }
        }
        if (wanted.Contains(SignalType.Md5))
            signals.Add(new ComputedSignal(SignalTypes.Md5Name, Convert.ToHexStringLower(MD5.HashData(bytes)), null));
        if (wanted.Contains(SignalType.Sha256))
            signals.Add(new ComputedSignal(SignalTypes.Sha256Name, Convert.ToHexStringLower(SHA256.HashData(bytes)), null));
        return new HashResultDto(contentType, format, bytes.Length, signals);
    }
}
