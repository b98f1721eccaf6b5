using Turntide.Core.Hashing.Video;

namespace Turntide.Core.Tests.Hashing.Video;

/// <summary>The multi-threaded pipeline against hashing the same frames one by one.</summary>
public class VpdqPipelineTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void ThreadedPipelineEqualsSequentialHashingInFrameOrder(int threads)
    {
        var source = new SyntheticSource(count: 40, step: 3);
        var frames = VpdqPipeline.Hash(source, frameRate: 25, threads);

        Assert.Equal(40, frames.Count);
        for (int k = 0; k < 40; k++)
        {
            var pdq = VpdqHasher.HashRgbFrame(source.FrameAt(k), source.Width, source.Height);
            Assert.Equal(new VpdqFrame(k * 3, pdq.Quality, pdq.Hash, VpdqSampling.Timestamp(k * 3, 25)), frames[k]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ExceptionFromTheFrameCheckStopsHashing(int threads)
    {
        var source = new SyntheticSource(count: 1000, step: 1);
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqPipeline.Hash(source, 30, threads, n =>
        {
            if (n == 10)
                throw new VideoDecodeException("limit");
        }));
        Assert.Equal("limit", ex.Message);
        Assert.True(source.Read <= 11 + threads + 2, $"read {source.Read} frames after the failure");
    }

    [Fact]
    public void ExceptionFromTheSourceReachesTheCaller()
    {
        var source = new SyntheticSource(count: 100, step: 1) { FailAt = 7 };
        Assert.Throws<IOException>(() => VpdqPipeline.Hash(source, 30, threads: 2));
    }

    [Fact]
    public void CancellationStopsHashing()
    {
        using var cancel = new CancellationTokenSource();
        var source = new SyntheticSource(count: 1000, step: 1);
        Assert.ThrowsAny<OperationCanceledException>(() => VpdqPipeline.Hash(source, 30, 2, n =>
        {
            if (n == 5)
                cancel.Cancel();
        }, cancel.Token));
        Assert.True(source.Read < 1000);
    }

    private sealed class SyntheticSource(int count, int step) : IRgbFrameSource
    {
        private int _next;

        public int Width => 80;

        public int Height => 48;

        public int Read => _next;

        public int FailAt { get; init; } = -1;

        public byte[] FrameAt(int k) => VpdqFrameHasherTests.Frame(Width, Height, seed: k);

        public bool TryRead(Span<byte> destination, out int frameNumber)
        {
            frameNumber = -1;
            if (_next == FailAt)
                throw new IOException("broken pipe");
            if (_next >= count)
                return false;
            FrameAt(_next).CopyTo(destination);
            frameNumber = _next++ * step;
            return true;
        }
    }
}
