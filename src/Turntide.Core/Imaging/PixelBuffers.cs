using System.Buffers;

namespace Turntide.Core.Imaging;

/// <summary>
/// Pixel buffers for decoded images. Photo-sized buffers come from the shared pool, which keeps them for the next
/// decode; larger ones are plain arrays the garbage collector takes back, because the shared pool keeps what it is
/// given per core and a burst of huge images would otherwise stay resident for good.
/// </summary>
public static class PixelBuffers
{
    /// <summary>16 MiB: a 4-megapixel RGBA image; larger buffers are not pooled.</summary>
    public const int MaxPooledBytes = 16 * 1024 * 1024;

    public static byte[] Rent(int length) =>
        length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledBytes)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
