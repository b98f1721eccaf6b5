namespace Turntide.Core.Hashing.Pdq;

/// <summary>
/// Constants and small helpers shared by the scalar and the vectorised PDQ paths. Every value here is
/// built exactly as the reference builds it, because the hash bits of low-detail images depend on
/// float32 rounding.
/// </summary>
internal static class PdqMath
{
    public const int DownsampleSize = 64;
    public const int DctSize = 16;
    public const int MinDimension = 5;
    public const int PrescaleSize = 512;
    public const int JaroszPasses = 2;

    public const float LumaR = 0.299f;
    public const float LumaG = 0.587f;
    public const float LumaB = 0.114f;

    /// <summary>The 16x64 DCT-II matrix, rows = frequencies 1..16: a float scale times a double cosine, rounded to float.</summary>
    public static readonly float[] Dct = BuildDct();

    /// <summary><see cref="Dct"/> transposed (64x16), so the second matrix product can run along contiguous memory.</summary>
    public static readonly float[] DctTransposed = Transpose(Dct, DctSize, DownsampleSize);

    /// <summary>0.299f * v, 0.587f * v and 0.114f * v for every byte v: the same float products the reference computes.</summary>
    public static readonly float[] LumaTableR = LumaTable(LumaR);
    public static readonly float[] LumaTableG = LumaTable(LumaG);
    public static readonly float[] LumaTableB = LumaTable(LumaB);

    /// <summary>ceil(size / 128): the box window along a line of that many samples.</summary>
    public static int JaroszWindow(int size) => (size + 2 * DownsampleSize - 1) / (2 * DownsampleSize);

    /// <summary>The sample the decimation to 64 reads for output cell i: (int)(((i + 0.5) * size) / 64) in double.</summary>
    public static int DecimationIndex(int i, int size) => (int)((i + 0.5) * size / DownsampleSize);

    /// <summary>The source coordinate the reference's 512x512 nearest-neighbour resize reads for destination x.</summary>
    public static int PrescaleSource(int x, int size) => (int)Math.Floor((double)x * size / PrescaleSize);

    public static bool NeedsPrescale(int width, int height) => width > PrescaleSize || height > PrescaleSize;

    private static float[] BuildDct()
    {
        var d = new float[DctSize * DownsampleSize];
        float scale = (float)Math.Sqrt(2.0 / DownsampleSize);
        for (int i = 0; i < DctSize; i++)
        {
            for (int j = 0; j < DownsampleSize; j++)
                d[i * DownsampleSize + j] = (float)(scale * Math.Cos(Math.PI / 2 / DownsampleSize * (i + 1) * (2 * j + 1)));
        }
        return d;
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        }
        return t;
    }

    private static float[] LumaTable(float coefficient)
    {
        var t = new float[256];
        for (int v = 0; v < 256; v++)
            t[v] = coefficient * v;
        return t;
    }
}
