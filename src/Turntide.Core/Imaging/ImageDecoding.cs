namespace Turntide.Core.Imaging;

/// <summary>Limits a decoder enforces before it allocates anything large.</summary>
public sealed record DecodeLimits
{
    /// <summary>64 megapixels: 256 MiB of RGBA, more than any photo a member shares.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>256 MiB of encoded bytes.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    public static readonly DecodeLimits Default = new();

    /// <summary>Images whose header declares more pixels than this are refused before decoding.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Files larger than this are refused before they are read.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
}

/// <summary>Why an image could not be decoded: a one-line reason a person can act on.</summary>
public sealed class ImageDecodeException(string reason) : Exception(reason);

/// <summary>Decoded pixels that may hold a pooled buffer: dispose when done with <see cref="Raster"/>.</summary>
public sealed class DecodedImage(Raster raster, string format, Action? release = null) : IDisposable
{
    private Action? _release = release;

    public Raster Raster { get; } = raster;

    /// <summary>The encoded format, lower case ("jpeg", "png", "gif", "bmp", "webp", ...).</summary>
    public string Format { get; } = format;

    public void Dispose()
    {
        Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}

/// <summary>
/// The seam between Turntide and an image codec library. Pixels come back as straight (not premultiplied)
/// 8-bit RGBA in the file's own orientation (EXIF rotation is not applied) and colour space, which is what
/// the reference PDQ hasher sees.
/// </summary>
public interface IImageDecoder
{
    /// <exception cref="ImageDecodeException">The bytes are empty, truncated, not an image, an unsupported format,
    /// or declare more pixels than <paramref name="limits"/> allow.</exception>
    DecodedImage Decode(ReadOnlySpan<byte> encoded, DecodeLimits? limits = null);
}
