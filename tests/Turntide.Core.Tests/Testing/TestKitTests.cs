using System.Numerics;

namespace Turntide.Core.Tests.Testing;

/// <summary>The kit's own promises that other tests build on: exact bit flips, and a wait that fails and says what it waited for.</summary>
public sealed class TestKitTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(64)]
    [InlineData(256)]
    public void FlipBitsChangesExactlyThatManyBits(int bits)
    {
        var random = new Random(bits);
        var hash = SyntheticHashes.Random(random);
        var flipped = SyntheticHashes.FlipBits(hash, bits, random);
        int distance = BitOperations.PopCount(hash.W0 ^ flipped.W0) + BitOperations.PopCount(hash.W1 ^ flipped.W1)
            + BitOperations.PopCount(hash.W2 ^ flipped.W2) + BitOperations.PopCount(hash.W3 ^ flipped.W3);
        Assert.Equal(bits, distance);
    }

    [Fact]
    public void TheSameSeedGivesTheSameHashes() =>
        Assert.Equal(SyntheticHashes.Clustered(100, 7, clusterSize: 10, maxSpread: 20), SyntheticHashes.Clustered(100, 7, clusterSize: 10, maxSpread: 20));

    [Fact]
    public async Task UntilAsyncFailsPastItsBoundNamingWhatNeverHappened()
    {
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Wait.UntilAsync(() => false, "a condition that never holds", TimeSpan.Zero));
        Assert.Contains("a condition that never holds", failure.Message);
    }

    [Fact]
    public async Task UntilAsyncReturnsOnceTheConditionHolds()
    {
        int calls = 0;
        await Wait.UntilAsync(() => ++calls == 3, "the third call");
        Assert.Equal(3, calls);
    }
}
