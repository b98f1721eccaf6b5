using System.Buffers;
using System.Runtime.InteropServices;

namespace Turntide.Core.Imaging;

/// <summary>
/// JPEG decoding through the system's libjpeg-turbo (Debian's <c>libturbojpeg0</c>). It is the same library,
/// with the same defaults (accurate integer IDCT, fancy chroma upsampling), that the reference PDQ hasher's
/// decoder uses, so the pixels are the reference's by construction; and it runs the library's SIMD code,
/// about twice as fast as the codec bundled with SkiaSharp. It handles clean baseline and progressive
/// JPEGs in YCbCr or grey; anything else (CMYK, damaged or truncated data, any warning) returns null so
/// that the caller falls back to the general decoder and its verdict.
/// </summary>
internal static partial class TurboJpegDecoder
{
    private const string Library = "libturbojpeg.so.0";
    private const int PixelFormatRgb = 0;
    private const int PixelFormatGray = 6;
    private const int ColorspaceRgb = 0;
    private const int ColorspaceYCbCr = 1;
    private const int ColorspaceGray = 2;
    private const int FlagStopOnWarning = 8192;
    private const int FlagLimitScans = 32768;

    private static readonly Lazy<bool> s_available = new(Probe);

    [ThreadStatic] private static DecompressorHandle? s_handle;

    /// <summary>True when libturbojpeg could be loaded on this machine.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>Decodes, or returns null when this fast path does not apply (the caller then uses another decoder).</summary>
    public static unsafe DecodedImage? TryDecode(ReadOnlySpan<byte> jpeg, DecodeLimits limits)
    {
        if (!IsAvailable)
            return null;
        var handle = s_handle ??= new DecompressorHandle(tjInitDecompress());
        if (handle.IsInvalid)
            return null;
        fixed (byte* source = jpeg)
        {
            int width, height, subsampling, colorspace;
            if (tjDecompressHeader3(handle, source, (nuint)jpeg.Length, &width, &height, &subsampling, &colorspace) != 0)
                return null;
            if (colorspace is not (ColorspaceYCbCr or ColorspaceGray or ColorspaceRgb) || width <= 0 || height <= 0)
                return null;
            long pixels = (long)width * height;
            if (pixels > limits.MaxPixels)
                return null; // the general decoder refuses it with the standard message
            int channels = colorspace == ColorspaceGray ? 1 : 3;
            int length = checked((int)(pixels * channels));
            var buffer = PixelBuffers.Rent(length);
            int status;
            fixed (byte* destination = buffer)
            {
                status = tjDecompress2(handle, source, (nuint)jpeg.Length, destination, width, width * channels, height,
                    channels == 1 ? PixelFormatGray : PixelFormatRgb, FlagStopOnWarning | FlagLimitScans);
            }
            if (status != 0)
            {
                PixelBuffers.Return(buffer);
                return null;
            }
            var raster = new Raster(buffer.AsMemory(0, length), width, height, channels);
            return new DecodedImage(raster, "jpeg", () => PixelBuffers.Return(buffer));
        }
    }

    private static bool Probe()
    {
        try
        {
            var h = tjInitDecompress();
            if (h == IntPtr.Zero)
                return false;
            tjDestroy(h);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    private sealed class DecompressorHandle : SafeHandle
    {
        public DecompressorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => tjDestroy(handle) == 0;
    }

    [LibraryImport(Library)]
    private static partial IntPtr tjInitDecompress();

    [LibraryImport(Library)]
    private static partial int tjDestroy(IntPtr handle);

    [LibraryImport(Library)]
    private static unsafe partial int tjDecompressHeader3(DecompressorHandle handle, byte* jpegBuf, nuint jpegSize,
        int* width, int* height, int* jpegSubsamp, int* jpegColorspace);

    [LibraryImport(Library)]
    private static unsafe partial int tjDecompress2(DecompressorHandle handle, byte* jpegBuf, nuint jpegSize,
        byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);
}
