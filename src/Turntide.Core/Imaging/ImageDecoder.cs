namespace Turntide.Core.Imaging;

/// <summary>
/// The decoder Turntide uses for photos: clean JPEGs through the system's libjpeg-turbo (the reference
/// decoder's own library, with SIMD), everything else, and any JPEG that path declines, through SkiaSharp.
/// Both give the reference hasher's pixels; the fast path is tested against SkiaSharp on every test image.
/// </summary>
public sealed class ImageDecoder : IImageDecoder
{
    public static readonly ImageDecoder Default = new();

    public DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        if (encoded.Length >= 3 && encoded.Length <= limits.MaxBytes && ImageFormats.Sniff(encoded) is { Name: "jpeg" })
        {
            var fast = TurboJpegDecoder.TryDecode(encoded, limits);
            if (fast is not null)
                return fast;
        }
        return SkiaImageDecoder.Instance.Decode(encoded, limits);
    }
}
