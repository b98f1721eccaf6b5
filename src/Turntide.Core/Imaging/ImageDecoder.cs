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

    /// <summary>
    /// The pixels an image's header declares (width times height), read without decoding: what a decode of it will
    /// allocate for. Null when the bytes are not an image the decoders read or the header is unreadable.
    /// </summary>
    public static unsafe long? DeclaredPixels(ReadOnlySpan<byte> encoded)
    {
        if (ImageFormats.Sniff(encoded) is not { Supported: true })
            return null;
        fixed (byte* bytes = encoded)
        {
            using var data = SkiaSharp.SKData.Create((IntPtr)bytes, encoded.Length);
            using var stream = new SkiaSharp.SKMemoryStream(data);
            using var codec = SkiaSharp.SKCodec.Create(stream, out _);
            if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
                return null;
            return (long)codec.Info.Width * codec.Info.Height;
        }
    }
}
