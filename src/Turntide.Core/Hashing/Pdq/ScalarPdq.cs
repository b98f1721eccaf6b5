namespace Turntide.Core.Hashing.Pdq;

/// <summary>
/// A literal, unoptimised transcription of the reference PDQ core (float32, the reference's operation
/// order, full-size buffers). It is the scalar twin that the fast path in <see cref="PdqKernel"/> is
/// tested against; production code does not call it.
/// </summary>
internal static class ScalarPdq
{
    /// <summary>From row-major float luma to the 16x16 DCT block and the quality.</summary>
    public static (float[] Dct, int Quality) DctAndQuality(float[] luma, int width, int height)
    {
        var a = Downsample(luma, width, height);
        int quality = Quality(a);
        return (Dct16(a), quality);
    }

    public static float[] Downsample(float[] luma, int width, int height)
    {
        const int n = PdqMath.DownsampleSize;
        var a = new float[n * n];
        if (width == n && height == n)
        {
            Array.Copy(luma, a, a.Length);
            return a;
        }
        var buffer1 = (float[])luma.Clone();
        var buffer2 = new float[luma.Length];
        int windowAlongRows = PdqMath.JaroszWindow(width);
        int windowAlongCols = PdqMath.JaroszWindow(height);
        for (int pass = 0; pass < PdqMath.JaroszPasses; pass++)
        {
            for (int y = 0; y < height; y++)
                Box1D(buffer1, y * width, buffer2, y * width, width, 1, windowAlongRows);
            for (int x = 0; x < width; x++)
                Box1D(buffer2, x, buffer1, x, height, width, windowAlongCols);
        }
        for (int i = 0; i < n; i++)
        {
            int ii = PdqMath.DecimationIndex(i, height);
            for (int j = 0; j < n; j++)
            {
                int jj = PdqMath.DecimationIndex(j, width);
                a[i * n + j] = buffer1[ii * width + jj];
            }
        }
        return a;
    }

    /// <summary>The reference's four-phase running-sum box filter.</summary>
    public static void Box1D(float[] input, int inStart, float[] output, int outStart, int length, int stride, int window)
    {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = length - window;
        int phase4 = half - 1;
        float sum = 0;
        int count = 0;
        int li = inStart, ri = inStart, oi = outStart;
        for (int k = 0; k < phase1; k++)
        {
            sum += input[ri];
            count++;
            ri += stride;
        }
        for (int k = 0; k < phase2; k++)
        {
            sum += input[ri];
            count++;
            output[oi] = sum / count;
            ri += stride;
            oi += stride;
        }
        for (int k = 0; k < phase3; k++)
        {
            sum += input[ri];
            sum -= input[li];
            output[oi] = sum / count;
            li += stride;
            ri += stride;
            oi += stride;
        }
        for (int k = 0; k < phase4; k++)
        {
            sum -= input[li];
            count--;
            output[oi] = sum / count;
            li += stride;
            oi += stride;
        }
    }

    public static int Quality(float[] a)
    {
        const int n = PdqMath.DownsampleSize;
        int gradientSum = 0;
        for (int i = 0; i < n - 1; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float u = a[i * n + j];
                float v = a[(i + 1) * n + j];
                int d = (int)((u - v) * 100 / 255);
                gradientSum += Math.Abs(d);
            }
        }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n - 1; j++)
            {
                float u = a[i * n + j];
                float v = a[i * n + j + 1];
                int d = (int)((u - v) * 100 / 255);
                gradientSum += Math.Abs(d);
            }
        }
        return Math.Min(gradientSum / 90, 100);
    }

    public static float[] Dct16(float[] a)
    {
        const int n = PdqMath.DownsampleSize, m = PdqMath.DctSize;
        var d = PdqMath.Dct;
        var t = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int k = 0; k < n; k++)
                    sum += d[i * n + k] * a[k * n + j];
                t[i * n + j] = sum;
            }
        }
        var b = new float[m * m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                float sum = 0;
                for (int k = 0; k < n; k++)
                    sum += t[i * n + k] * d[j * n + k];
                b[i * m + j] = sum;
            }
        }
        return b;
    }
}
