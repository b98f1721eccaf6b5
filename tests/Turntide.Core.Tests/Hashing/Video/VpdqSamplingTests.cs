using Turntide.Core.Hashing.Video;

namespace Turntide.Core.Tests.Hashing.Video;

public class VpdqSamplingTests
{
    [Theory]
    [InlineData(1.0, 30.0, 30)]
    [InlineData(1.0, 30000.0 / 1001, 29)]  // truncated, not rounded
    [InlineData(0.0, 30.0, 1)]             // 0 = every frame
    [InlineData(1.0, 0.5, 1)]              // below one frame per step: every frame
    [InlineData(2.5, 24.0, 60)]
    [InlineData((double)0.7f, 30.0, 20)]   // the reference CLI parses seconds as float
    [InlineData(0.7, 30.0, 21)]            // and the Python binding as double
    public void FrameStepIsTheReferencesTruncatedProduct(double seconds, double fps, int step) =>
        Assert.Equal(step, VpdqSampling.FrameStep(seconds, fps));

    [Fact]
    public void FrameStepRefusesNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqSampling.FrameStep(-1, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqSampling.FrameStep(double.NaN, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqSampling.FrameStep(1, 0));
        Assert.Equal(int.MaxValue, VpdqSampling.FrameStep(1e300, 30));
    }

    [Fact]
    public void TimestampIsComputedInSinglePrecision()
    {
        // 1/30 in float is 0.0333333351..., not the double 0.0333333333...
        Assert.Equal((double)(1f / 30f), VpdqSampling.Timestamp(1, 30));
        Assert.NotEqual(1.0 / 30, VpdqSampling.Timestamp(1, 30));
        Assert.Equal((double)(100_001f / (float)(30000.0 / 1001)), VpdqSampling.Timestamp(100_001, 30000.0 / 1001));
    }
}
