using System.Buffers;
using SkiaSharp;

namespace Turntide.Core.Imaging;

/// <summary>
/// Decodes with SkiaSharp (Skia's codecs: libjpeg-turbo, libpng, libwebp, its own GIF and BMP readers).
/// On every reference image these give exactly the pixels the reference PDQ hasher's decoder gives,
/// JPEG included, so the hashes are bit-exact.
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    public static readonly SkiaImageDecoder Instance = new();

    public unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        if (encoded.IsEmpty)
            throw new ImageDecodeException("empty file");
        if (encoded.Length > limits.MaxBytes)
            throw new ImageDecodeException($"file is {encoded.Length} bytes, over the limit of {limits.MaxBytes}");
        var sniffed = ImageFormats.Sniff(encoded);
        if (sniffed is null)
            throw new ImageDecodeException("not an image in a supported format (JPEG, PNG, GIF, BMP, WebP)");
        if (!sniffed.Value.Supported)
            throw new ImageDecodeException($"unsupported image format {sniffed.Value.Name} (supported: JPEG, PNG, GIF, BMP, WebP)");

        fixed (byte* bytes = encoded)
        {
            // The codec reads the caller's bytes in place; nothing is copied before the header is checked.
            using var data = SKData.Create((IntPtr)bytes, encoded.Length);
            using var stream = new SKMemoryStream(data);
            using var codec = SKCodec.Create(stream, out var createResult);
            if (codec is null)
            {
                throw new ImageDecodeException(createResult switch
                {
                    SKCodecResult.IncompleteInput => $"truncated {sniffed.Value.Name} header",
                    _ => $"corrupt {sniffed.Value.Name} header",
                });
            }

            var info = codec.Info;
            string format = codec.EncodedFormat.ToString().ToLowerInvariant();
            long pixels = (long)info.Width * info.Height;
            if (info.Width <= 0 || info.Height <= 0)
                throw new ImageDecodeException($"{format} declares an empty size {info.Width}x{info.Height}");
            if (pixels > limits.MaxPixels)
                throw new ImageDecodeException($"{format} declares {info.Width}x{info.Height} = {pixels} pixels, over the limit of {limits.MaxPixels}");

            // No colour space: the pixels stay as encoded, as the reference's decoder leaves them.
            var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            int length = checked((int)(pixels * 4));
            var buffer = PixelBuffers.Rent(length);
            try
            {
                SKCodecResult result;
                fixed (byte* dst = buffer)
                    result = codec.GetPixels(target, (IntPtr)dst, new SKCodecOptions(0));
                if (result != SKCodecResult.Success)
                {
                    throw new ImageDecodeException(result switch
                    {
                        SKCodecResult.IncompleteInput => $"truncated {format} data",
                        SKCodecResult.ErrorInInput => $"corrupt {format} data",
                        SKCodecResult.InvalidConversion => $"{format} pixels cannot be converted to 8-bit RGBA",
                        _ => $"{format} decoding failed ({result})",
                    });
                }
                var raster = new Raster(buffer.AsMemory(0, length), info.Width, info.Height, 4);
                return new DecodedImage(raster, format, () => PixelBuffers.Return(buffer));
            }
            catch
            {
                PixelBuffers.Return(buffer);
                throw;
            }
        }
    }
}
