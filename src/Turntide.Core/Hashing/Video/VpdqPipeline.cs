using System.Collections.Concurrent;

namespace Turntide.Core.Hashing.Video;

/// <summary>A producer of packed RGB24 frames of one size, each with its frame number.</summary>
internal interface IRgbFrameSource
{
    int Width { get; }

    int Height { get; }

    /// <summary>Fills <paramref name="destination"/> (Width x Height x 3 bytes) with the next frame; false at the end.</summary>
    bool TryRead(Span<byte> destination, out int frameNumber);
}

/// <summary>
/// Hashes the frames of a source on several threads. The reading thread fills a small ring of frame buffers
/// (threads + 2 of them, so memory stays bounded for any video length) and the workers hash them; the result
/// is sorted by frame number, as the reference sorts its out-of-order results.
/// </summary>
internal static class VpdqPipeline
{
    /// <param name="onFrameRead">Called on the reading thread for each frame read, before it is hashed; may throw to stop.</param>
    public static List<VpdqFrame> Hash(IRgbFrameSource source, double frameRate, int threads, Action<int>? onFrameRead = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int frameBytes = checked(source.Width * source.Height * 3);
        var results = new List<VpdqFrame>();

        if (threads == 1)
        {
            // As the reference with one thread: read and hash in turn, no hand-over.
            var buffer = GC.AllocateUninitializedArray<byte>(frameBytes);
            while (source.TryRead(buffer, out int frameNumber))
            {
                cancellationToken.ThrowIfCancellationRequested();
                onFrameRead?.Invoke(frameNumber);
                results.Add(HashOne(buffer, source.Width, source.Height, frameNumber, frameRate));
            }
            return results;
        }

        using var free = new BlockingCollection<byte[]>();
        using var work = new BlockingCollection<(byte[] Buffer, int FrameNumber)>();
        for (int i = 0; i < threads + 2; i++)
            free.Add(GC.AllocateUninitializedArray<byte>(frameBytes));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? workerFailure = null;

        void Worker()
        {
            try
            {
                foreach (var (buffer, frameNumber) in work.GetConsumingEnumerable(stop.Token))
                {
                    var frame = HashOne(buffer, source.Width, source.Height, frameNumber, frameRate);
                    free.Add(buffer);
                    lock (results)
                        results.Add(frame);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref workerFailure, ex, null);
                stop.Cancel();
            }
        }

        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(Worker) { IsBackground = true, Name = "vpdq-hash" }).ToArray();
        foreach (var worker in workers)
            worker.Start();
        try
        {
            while (true)
            {
                var buffer = free.Take(stop.Token);
                if (!source.TryRead(buffer, out int frameNumber))
                    break;
                onFrameRead?.Invoke(frameNumber);
                work.Add((buffer, frameNumber), stop.Token);
            }
            work.CompleteAdding();
        }
        catch (OperationCanceledException) when (Volatile.Read(ref workerFailure) is not null)
        {
            // A worker failed and stopped the reading; its exception is thrown below.
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            foreach (var worker in workers)
                worker.Join();
        }
        if (workerFailure is not null)
            throw new AggregateException("Hashing a frame failed.", workerFailure);
        cancellationToken.ThrowIfCancellationRequested();
        results.Sort((a, b) => a.FrameNumber.CompareTo(b.FrameNumber));
        return results;
    }

    private static VpdqFrame HashOne(byte[] rgb, int width, int height, int frameNumber, double frameRate)
    {
        var pdq = VpdqFrameHasher.Hash(rgb, width, height);
        return new VpdqFrame(frameNumber, pdq.Quality, pdq.Hash, VpdqSampling.Timestamp(frameNumber, frameRate));
    }
}

