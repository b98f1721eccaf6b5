using Turntide.Core.Imaging;

namespace Turntide.Core.Hashing.Pdq;

/// <summary>From 8-bit pixels to the float luma the PDQ core reads, with the reference hasher's pre-scale.</summary>
internal static class PdqLuma
{
    [ThreadStatic] private static float[]? s_buffer;

    /// <summary>
    /// Returns the luma in a per-thread buffer that the next call on this thread overwrites.
    /// With <paramref name="prescale"/>, an image with a side above 512 is first resized to exactly 512x512
    /// by nearest neighbour on the 8-bit samples (aspect ratio not kept), as the reference CLI does.
    /// With <paramref name="greyRule"/>, an image whose pixels all have R == G == B uses the grey byte as luma.
    /// </summary>
    public static ReadOnlySpan<float> Prepare(in Raster image, bool prescale, bool greyRule, out int width, out int height)
    {
        bool resize = prescale && PdqMath.NeedsPrescale(image.Width, image.Height);
        width = resize ? PdqMath.PrescaleSize : image.Width;
        height = resize ? PdqMath.PrescaleSize : image.Height;
        int size = width * height;
        var buffer = s_buffer is { } b && b.Length >= size ? b : s_buffer = new float[Math.Max(size, 64 * 64)];
        var luma = buffer.AsSpan(0, size);
        if (size == 0)
            return luma;

        bool grey = image.Channels == 1 || (greyRule && image.IsGrey());
        Span<int> sourceX = width <= 4096 ? stackalloc int[width] : new int[width];
        for (int x = 0; x < width; x++)
            sourceX[x] = resize ? PdqMath.PrescaleSource(x, image.Width) : x;

        var pixels = image.Pixels.Span;
        int channels = image.Channels;
        var tr = PdqMath.LumaTableR;
        var tg = PdqMath.LumaTableG;
        var tb = PdqMath.LumaTableB;
        for (int y = 0; y < height; y++)
        {
            int sy = resize ? PdqMath.PrescaleSource(y, image.Height) : y;
            var src = pixels.Slice(sy * image.Stride, image.Width * channels);
            var dst = luma.Slice(y * width, width);
            if (grey)
            {
                // One channel, or R == G == B everywhere: the grey byte itself (the R sample of each pixel).
                for (int x = 0; x < width; x++)
                    dst[x] = src[sourceX[x] * channels];
            }
            else if (!resize && channels == 4)
            {
                for (int x = 0, i = 0; x < width; x++, i += 4)
                    dst[x] = tr[src[i]] + tg[src[i + 1]] + tb[src[i + 2]];
            }
            else
            {
                for (int x = 0; x < width; x++)
                {
                    int i = sourceX[x] * channels;
                    dst[x] = tr[src[i]] + tg[src[i + 1]] + tb[src[i + 2]];
                }
            }
        }
        return luma;
    }
}
