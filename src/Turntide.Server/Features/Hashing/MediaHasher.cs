using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;
using Turntide.Server.Features.Hosting;
using Turntide.Server.Features.Signals;

namespace Turntide.Server.Features.Hashing;

/// <summary>A signal computed from media, with PDQ's quality where it has one.</summary>
public sealed record ComputedSignal(string SignalType, string Value, int? Quality);

/// <summary>What <c>POST /api/v1/hash</c> returns.</summary>
public sealed record HashResultDto(string ContentType, string? Format, long Bytes, IReadOnlyList<ComputedSignal> Signals);

/// <summary>
/// Every signal of a file, in memory: MD5 and SHA-256 of the bytes for any file, and PDQ for photos
/// (Turntide.Core's SkiaSharp decoder and bit-exact PDQ). Video and PDF signals join here as their hashers land.
/// </summary>
public sealed class MediaHasher(IOptions<ServerOptions> options)
{
    public HashResultDto Hash(ReadOnlySpan<byte> bytes)
    {
        var signals = new List<ComputedSignal>(3);
        string contentType = "file";
        string? format = null;
        var limits = new DecodeLimits { MaxBytes = options.Value.MaxUploadBytes, MaxPixels = options.Value.MaxImagePixels };
        if (LooksLikeImage(bytes))
        {
            try
            {
                using var image = SkiaImageDecoder.Instance.Decode(bytes, limits);
                var pdq = PdqHasher.Hash(image.Raster);
                signals.Add(new ComputedSignal(SignalTypes.PdqName, pdq.Hash.ToString(), pdq.Quality));
                contentType = "photo";
                format = image.Format;
            }
            catch (ImageDecodeException) when (bytes.StartsWith("BM"u8) && !bytes.StartsWith("BM6"u8))
            {
                // "BM" is a weak magic number: text can start with it. Hash such a file as plain bytes.
            }
            catch (ImageDecodeException ex)
            {
                throw new Members.DomainException($"The image could not be decoded: {ex.Message}.", StatusCodes.Status422UnprocessableEntity);
            }
        }
        signals.Add(new ComputedSignal(SignalTypes.Md5Name, Convert.ToHexStringLower(MD5.HashData(bytes)), null));
        signals.Add(new ComputedSignal(SignalTypes.Sha256Name, Convert.ToHexStringLower(SHA256.HashData(bytes)), null));
        return new HashResultDto(contentType, format, bytes.Length, signals);
    }

    /// <summary>Magic numbers of the formats the decoder reads; anything else is hashed as plain bytes.</summary>
    private static bool LooksLikeImage(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])                                   // JPEG
        || b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])           // PNG
        || b.StartsWith("GIF8"u8)                                                               // GIF
        || b.StartsWith("BM"u8)                                                                 // BMP
        || (b.Length >= 12 && b.StartsWith("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8)); // WebP
}
