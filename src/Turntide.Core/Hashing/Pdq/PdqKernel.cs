using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Turntide.Core.Hashing.Pdq;

/// <summary>
/// The fast PDQ core: luma to the 64x64 downsample, the quality and the 16x16 DCT, bit-exact with
/// <see cref="ScalarPdq"/>. Three things make it fast without changing a single float operation:
/// <list type="bullet">
/// <item>Every box-filter pass runs eight independent lines at once in one 256-bit vector (the reference's
/// running sum is a serial chain per line, so it is latency-bound; eight chains side by side are not), and
/// writes its output transposed, so the next pass again reads eight lines side by side.</item>
/// <item>The second pass computes divisions only where the decimation to 64x64 will read: the running sums
/// still visit every sample in the reference's order, so the values read are identical.</item>
/// <item>The DCT products run eight output columns at a time, each accumulating over k in ascending order.</item>
/// </list>
/// One instance holds scratch buffers for one thread; it is not thread-safe.
/// </summary>
internal sealed class PdqKernel
{
    private const int N = PdqMath.DownsampleSize;
    private const int M = PdqMath.DctSize;
    private const int Lanes = 8;

    [ThreadStatic] private static PdqKernel? s_forThread;

    private float[] _x = [];
    private float[] _y = [];
    private float[] _z = [];
    private readonly float[] _a = new float[N * N];
    private readonly float[] _t = new float[M * N];

    /// <summary>A kernel with buffers reused by every call on the current thread.</summary>
    public static PdqKernel ForCurrentThread => s_forThread ??= new PdqKernel();

    /// <summary>The 64x64 downsample of the last <see cref="Compute"/> call, row-major.</summary>
    public ReadOnlySpan<float> Downsample => _a;

    /// <summary>Computes the 16x16 DCT block (row-major, into <paramref name="dct"/>) and returns the quality.</summary>
    public int Compute(ReadOnlySpan<float> luma, int width, int height, Span<float> dct)
    {
        if (luma.Length < width * height)
            throw new ArgumentException("The luma buffer is smaller than width * height.", nameof(luma));
        if (dct.Length < M * M)
            throw new ArgumentException("The DCT buffer needs 256 floats.", nameof(dct));
        if (width == N && height == N)
            luma[..(N * N)].CopyTo(_a);
        else
            Downsample64(luma, width, height);
        int quality = Quality(_a);
        Dct16(_a, _t, dct);
        return quality;
    }

    private unsafe void Downsample64(ReadOnlySpan<float> luma, int width, int height)
    {
        int strideH = RoundUp(height), strideW = RoundUp(width);
        int windowAlongRows = PdqMath.JaroszWindow(width);
        int windowAlongCols = PdqMath.JaroszWindow(height);
        EnsureSize(ref _x, width * strideH);
        EnsureSize(ref _y, height * strideW);
        EnsureSize(ref _z, height * N);

        Span<int> rows = height <= 4096 ? stackalloc int[height] : new int[height];
        Span<int> cols = width <= 4096 ? stackalloc int[width] : new int[width];
        for (int i = 0; i < rows.Length; i++) rows[i] = i;
        for (int i = 0; i < cols.Length; i++) cols[i] = i;

        Span<int> ii = stackalloc int[N];
        Span<int> jj = stackalloc int[N];
        Span<bool> rowNeeded = height <= 4096 ? stackalloc bool[height] : new bool[height];
        Span<bool> colNeeded = width <= 4096 ? stackalloc bool[width] : new bool[width];
        rowNeeded.Clear();
        colNeeded.Clear();
        for (int i = 0; i < N; i++)
        {
            ii[i] = PdqMath.DecimationIndex(i, height);
            jj[i] = PdqMath.DecimationIndex(i, width);
            rowNeeded[ii[i]] = true;
            colNeeded[jj[i]] = true;
        }

        fixed (float* l = luma)
        fixed (float* x = _x)
        fixed (float* y = _y)
        fixed (float* z = _z)
        {
            // Pass 1: rows of the luma (row-major) into x (column-major), then columns of x into y (row-major).
            BoxPass(l, width, rows, width, windowAlongRows, x, strideH, default);
            BoxPass(x, strideH, cols, height, windowAlongCols, y, strideW, default);
            // Pass 2: only the columns jj are ever read, and of them only the rows ii.
            BoxPass(y, strideW, rows, width, windowAlongRows, x, strideH, colNeeded);
            BoxPass(x, strideH, jj, height, windowAlongCols, z, N, rowNeeded);
        }
        for (int i = 0; i < N; i++)
            _z.AsSpan(ii[i] * N, N).CopyTo(_a.AsSpan(i * N, N));
    }

    /// <summary>
    /// The reference's box filter (see <see cref="ScalarPdq.Box1D"/>) along <paramref name="lines"/> of
    /// <paramref name="input"/> (line l starts at l * inStride and has <paramref name="length"/> samples), eight
    /// lines per vector. Sample p of the k-th listed line goes to output[p * outStride + k]: the output is the
    /// transpose. Where <paramref name="needed"/> is given, only positions marked in it are divided and written.
    /// </summary>
    private static unsafe void BoxPass(float* input, int inStride, ReadOnlySpan<int> lines, int length, int window,
        float* output, int outStride, ReadOnlySpan<bool> needed)
    {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = length - window;
        int phase4 = half - 1;
        bool all = needed.IsEmpty;
        var p = stackalloc float*[Lanes];

        for (int g = 0; g < lines.Length; g += Lanes)
        {
            for (int k = 0; k < Lanes; k++)
                p[k] = input + (long)lines[Math.Min(g + k, lines.Length - 1)] * inStride;
            float* p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3], p4 = p[4], p5 = p[5], p6 = p[6], p7 = p[7];
            float* o = output + g;

            var sum = Vector256<float>.Zero;
            int count = 0, li = 0, ri = 0, oi = 0;
            for (int k = 0; k < phase1; k++, ri++)
            {
                sum += Gather(p0, p1, p2, p3, p4, p5, p6, p7, ri);
                count++;
            }
            for (int k = 0; k < phase2; k++, ri++, oi++)
            {
                sum += Gather(p0, p1, p2, p3, p4, p5, p6, p7, ri);
                count++;
                if (all || needed[oi])
                    (sum / Vector256.Create((float)count)).Store(o + (long)oi * outStride);
            }
            var divisor = Vector256.Create((float)count);
            for (int k = 0; k < phase3; k++, li++, ri++, oi++)
            {
                sum += Gather(p0, p1, p2, p3, p4, p5, p6, p7, ri);
                sum -= Gather(p0, p1, p2, p3, p4, p5, p6, p7, li);
                if (all || needed[oi])
                    (sum / divisor).Store(o + (long)oi * outStride);
            }
            for (int k = 0; k < phase4; k++, li++, oi++)
            {
                sum -= Gather(p0, p1, p2, p3, p4, p5, p6, p7, li);
                count--;
                if (all || needed[oi])
                    (sum / Vector256.Create((float)count)).Store(o + (long)oi * outStride);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<float> Gather(float* p0, float* p1, float* p2, float* p3,
        float* p4, float* p5, float* p6, float* p7, int i) =>
        Vector256.Create(p0[i], p1[i], p2[i], p3[i], p4[i], p5[i], p6[i], p7[i]);

    internal static int Quality(ReadOnlySpan<float> a)
    {
        int gradientSum = 0;
        for (int i = 0; i < N - 1; i++)
        {
            var upper = a.Slice(i * N, N);
            var lower = a.Slice((i + 1) * N, N);
            for (int j = 0; j < N; j++)
                gradientSum += Math.Abs((int)((upper[j] - lower[j]) * 100 / 255));
        }
        for (int i = 0; i < N; i++)
        {
            var row = a.Slice(i * N, N);
            for (int j = 0; j < N - 1; j++)
                gradientSum += Math.Abs((int)((row[j] - row[j + 1]) * 100 / 255));
        }
        return Math.Min(gradientSum / 90, 100);
    }

    /// <summary>B = D · A · Dᵀ, every coefficient summed from 0 over k ascending, as the reference does.</summary>
    internal static void Dct16(ReadOnlySpan<float> a, Span<float> t, Span<float> b)
    {
        var d = PdqMath.Dct;
        var dt = PdqMath.DctTransposed;
        // T (16x64) = D (16x64) · A (64x64): eight columns j at a time.
        for (int i = 0; i < M; i++)
        {
            var di = d.AsSpan(i * N, N);
            for (int j = 0; j < N; j += Lanes)
            {
                var sum = Vector256<float>.Zero;
                for (int k = 0; k < N; k++)
                    sum += Vector256.Create(di[k]) * Vector256.Create<float>(a.Slice(k * N + j, Lanes));
                sum.CopyTo(t.Slice(i * N + j, Lanes));
            }
        }
        // B (16x16) = T · Dᵀ, i.e. B[i][j] = sum_k T[i][k] * Dt[k][j].
        for (int i = 0; i < M; i++)
        {
            var ti = t.Slice(i * N, N);
            for (int j = 0; j < M; j += Lanes)
            {
                var sum = Vector256<float>.Zero;
                for (int k = 0; k < N; k++)
                    sum += Vector256.Create(ti[k]) * Vector256.Create<float>(dt.AsSpan(k * M + j, Lanes));
                sum.CopyTo(b.Slice(i * M + j, Lanes));
            }
        }
    }

    private static int RoundUp(int n) => (n + Lanes - 1) / Lanes * Lanes;

    private static void EnsureSize(ref float[] buffer, int size)
    {
        if (buffer.Length < size)
            buffer = new float[size];
    }
}
