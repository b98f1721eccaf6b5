namespace Turntide.Core.Imaging;

/// <summary>
/// Decoded 8-bit pixels: 1 channel (grey), 3 (RGB) or 4 (RGBA, straight alpha; alpha is never used for hashing).
/// Rows are <see cref="Stride"/> bytes apart.
/// </summary>
public readonly struct Raster
{
    public Raster(ReadOnlyMemory<byte> pixels, int width, int height, int channels, int stride = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (channels is not (1 or 3 or 4))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Pixels have 1 (grey), 3 (RGB) or 4 (RGBA) channels.");
        if (stride == 0)
            stride = width * channels;
        if (stride < width * channels)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "A row is shorter than width * channels.");
        if (height > 0 && pixels.Length < (long)stride * (height - 1) + (long)width * channels)
            throw new ArgumentException($"{pixels.Length} bytes cannot hold {width}x{height} pixels of {channels} channels.", nameof(pixels));
        Pixels = pixels;
        Width = width;
        Height = height;
        Channels = channels;
        Stride = stride;
    }

    public ReadOnlyMemory<byte> Pixels { get; }
    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int Stride { get; }

    public ReadOnlySpan<byte> Row(int y) => Pixels.Span.Slice(y * Stride, Width * Channels);

    /// <summary>
    /// True when every pixel has R == G == B. The reference's decoder hands such an image over as one grey
    /// channel, and PDQ then uses the grey byte itself as luma (0.299R + 0.587G + 0.114B is not exactly the
    /// grey value for some levels, which flips bits of low-detail images).
    /// </summary>
    public bool IsGrey()
    {
        if (Channels == 1)
            return true;
        var span = Pixels.Span;
        for (int y = 0; y < Height; y++)
        {
            var row = span.Slice(y * Stride, Width * Channels);
            if (Channels == 4 ? !RowIsGrey4(row) : !RowIsGrey3(row))
                return false;
        }
        return true;
    }

    private static bool RowIsGrey4(ReadOnlySpan<byte> row)
    {
        // Compare R with G and G with B for 8 pixels at a time through 64-bit loads.
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(row);
        foreach (ulong w in words)
        {
            // Bytes per pixel: R G B A. Shift so G lands on R and B lands on G, mask out alpha.
            const ulong rgMask = 0x0000_FFFF_0000_FFFFUL;
            ulong rg = w & rgMask;
            ulong gb = (w >> 8) & rgMask;
            if (rg != gb)
                return false;
        }
        for (int i = words.Length * 8; i < row.Length; i += 4)
        {
            if (row[i] != row[i + 1] || row[i + 1] != row[i + 2])
                return false;
        }
        return true;
    }

    private static bool RowIsGrey3(ReadOnlySpan<byte> row)
    {
        for (int i = 0; i < row.Length; i += 3)
        {
            if (row[i] != row[i + 1] || row[i + 1] != row[i + 2])
                return false;
        }
        return true;
    }
}
