using Microsoft.Extensions.Options;
using Turntide.Core.Imaging;

namespace Turntide.Server.Features.Hashing;

/// <summary>The decoding budget is spent: the caller should come back after <see cref="RetryAfterSeconds"/>.</summary>
internal sealed class DecodingBusyException(string message, int retryAfterSeconds) : Exception(message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>
/// Bounds the pixels being decoded at once (<see cref="HashingOptions.MaxDecodingPixels"/>): a decode costs memory in
/// proportion to the pixels its header declares, so many small files declaring huge images at once would otherwise run
/// the process out of memory. A decode takes its declared pixels from the budget before anything is allocated and gives
/// them back when done; one that cannot get them within <see cref="HashingOptions.DecodeWaitMilliseconds"/> is refused
/// with 503 and Retry-After, and the server keeps serving.
/// </summary>
internal sealed class DecodeBudget(IOptions<HashingOptions> options)
{
    private readonly Lock _lock = new();
    private long _inUse;
    private int _waiting;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Capacity => options.Value.MaxDecodingPixels;

    public long InUse
    {
        get
        {
            lock (_lock)
                return _inUse;
        }
    }

    /// <summary>Decodes waiting for budget now (for the status of a busy server, and for tests).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// What a video's hashing takes from the budget: its frames are decoded one at a time but a few are in flight
    /// between FFmpeg and the hasher, and the size is unknown before FFmpeg probes the file, so a video reserves
    /// four full-HD frames' worth (bounded by the whole budget).
    /// </summary>
    public const long VideoPixels = 4L * 1920 * 1080;

    /// <summary>
    /// Takes the pixels an upload's image declares, or <see cref="VideoPixels"/> for a video (nothing for other files),
    /// waiting a short while if need be.
    /// </summary>
    public async Task<IDisposable> AcquireForAsync(ReadOnlyMemory<byte> upload, CancellationToken ct)
    {
        if (Core.Signals.ContentSniffer.Detect(upload.Span[..Math.Min(upload.Length, Core.Signals.ContentSniffer.HeadLength)]).Kind == Core.Signals.FileKind.Video)
        {
            return await AcquireAsync(VideoPixels, TimeSpan.FromMilliseconds(options.Value.DecodeWaitMilliseconds), ct)
                ?? throw new DecodingBusyException(
                    $"The server is decoding as many pixels as it may at once (Turntide:MaxDecodingPixels = {Capacity}); a video takes {Math.Min(VideoPixels, Capacity)}. Retry shortly.", 1);
        }
        // Over MaxImagePixels the decoder refuses the image from its header, without allocating: nothing to reserve.
        if (ImageDecoder.DeclaredPixels(upload.Span) is not { } pixels || pixels > options.Value.MaxImagePixels)
            return Lease.None;
        return await AcquireAsync(pixels, TimeSpan.FromMilliseconds(options.Value.DecodeWaitMilliseconds), ct)
            ?? throw new DecodingBusyException(
                $"The server is decoding as many pixels as it may at once (Turntide:MaxDecodingPixels = {Capacity}); this image declares {pixels}. Retry shortly.", 1);
    }

    /// <summary>Takes pixels from the budget, or null when they are not free within <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> AcquireAsync(long pixels, TimeSpan wait, CancellationToken ct = default)
    {
        pixels = Math.Clamp(pixels, 1, Capacity);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_inUse + pixels <= Capacity)
                {
                    _inUse += pixels;
                    return new Lease(this, pixels);
                }
                released = _released.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return null;
            Interlocked.Increment(ref _waiting);
            try
            {
                await released.WaitAsync(left, ct);
            }
            catch (TimeoutException)
            {
                return null;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>Pixels above which a decode's buffer is not pooled (<see cref="PixelBuffers.MaxPooledBytes"/> of RGBA).</summary>
    private const long UnpooledPixels = PixelBuffers.MaxPooledBytes / 4;

    private void Release(long pixels)
    {
        TaskCompletionSource released;
        bool idle;
        lock (_lock)
        {
            _inUse -= pixels;
            idle = _inUse == 0;
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        released.TrySetResult();
        // A huge image's buffers are garbage now, but a quiet server would not collect them for a long while, and the
        // process would keep their memory. Once nothing is being decoded, collect and hand the memory back to the system
        // (off the request's thread; rare: only after images too large for the pool).
        if (idle && pixels > UnpooledPixels)
            ThreadPool.UnsafeQueueUserWorkItem(static _ => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true), null);
    }

    private sealed class Lease(DecodeBudget? budget, long pixels) : IDisposable
    {
        public static readonly IDisposable None = new Lease(null, 0);
        private int _disposed;

        public void Dispose()
        {
            if (budget is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
                budget.Release(pixels);
        }
    }
}
