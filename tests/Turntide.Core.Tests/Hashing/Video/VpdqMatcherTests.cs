using System.Globalization;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Index;

namespace Turntide.Core.Tests.Hashing.Video;

public class VpdqMatcherTests
{
    public static TheoryData<string, string, string, string, string, string> MatrixRows()
    {
        var data = new TheoryData<string, string, string, string, string, string>();
        foreach (var line in File.ReadLines(VpdqTestData.MatchMatrix).Skip(1))
        {
            var c = line.Split(',');
            data.Add(c[0], c[1], c[2], c[3], c[4], c[5]);
        }
        return data;
    }

    [Fact]
    public void MatchMatrixHasEveryOrderedPairOfEightFiles() => Assert.Equal(8 * 7, MatrixRows().Count);

    [Theory]
    [MemberData(nameof(MatrixRows))]
    public void PercentagesEqualReferenceMatchMatrix(string query, string target, string cppQuery, string cppTarget, string pyQuery, string pyCompared)
    {
        var q = VpdqHashFile.Read(VpdqTestData.SampleHashes(query));
        var t = VpdqHashFile.Read(VpdqTestData.SampleHashes(target));

        var cpp = VpdqMatcher.Match(q, t, new VpdqMatchOptions { Rule = VpdqCountingRule.AllFramesBelowDistance });
        Assert.Equal((cppQuery, cppTarget), (F2(cpp.QueryMatchPercent), F2(cpp.ComparedMatchPercent)));

        var python = VpdqMatcher.Match(q, t); // the default rule
        Assert.Equal((pyQuery, pyCompared), (F2(python.QueryMatchPercent), F2(python.ComparedMatchPercent)));
    }

    [Fact]
    public void DefaultsAreDistance31Quality50AndPythonThreatExchangeRule()
    {
        var options = VpdqMatchOptions.Default;
        Assert.Equal(31, options.DistanceThreshold);
        Assert.Equal(50, options.QualityThreshold);
        Assert.Equal(VpdqCountingRule.DedupedAtMostDistance, options.Rule);
    }

    [Fact]
    public void DistanceEqualToThresholdMatchesOnlyUnderPythonRule()
    {
        var a = Frame(0, Bits(0));
        var b = Frame(0, Bits(31)); // 31 bits apart
        Assert.Equal(100, VpdqMatcher.Match([a], [b]).QueryMatchPercent);
        Assert.Equal(0, VpdqMatcher.Match([a], [b], new VpdqMatchOptions { Rule = VpdqCountingRule.AllFramesBelowDistance }).QueryMatchPercent);
        var c = Frame(0, Bits(30));
        Assert.Equal(100, VpdqMatcher.Match([a], [c], new VpdqMatchOptions { Rule = VpdqCountingRule.AllFramesBelowDistance }).QueryMatchPercent);
    }

    [Fact]
    public void RepeatedHashesCountOnceOnlyUnderPythonRule()
    {
        // Query: the same frame three times plus one unrelated frame; compared: that same frame.
        var same = Frame(1, Bits(0));
        var other = Frame(2, Bits(200));
        IReadOnlyList<VpdqFrame> query = [same, same, same, other];
        IReadOnlyList<VpdqFrame> compared = [same];

        var python = VpdqMatcher.Match(query, compared);
        Assert.Equal(50, python.QueryMatchPercent);      // 1 of 2 distinct hashes
        Assert.Equal(100, python.ComparedMatchPercent);

        var cpp = VpdqMatcher.Match(query, compared, new VpdqMatchOptions { Rule = VpdqCountingRule.AllFramesBelowDistance });
        Assert.Equal(75, cpp.QueryMatchPercent);         // 3 of 4 frames
        Assert.Equal(100, cpp.ComparedMatchPercent);
    }

    [Fact]
    public void DeduplicationKeepsTheFirstFrameOfAHashBeforeFilteringQuality()
    {
        // python-threatexchange de-duplicates first: a low-quality first occurrence hides a later good one.
        var lowFirst = Frame(0, Bits(0), quality: 10);
        var goodLater = Frame(1, Bits(0), quality: 90);
        var good = Frame(2, Bits(100), quality: 90);
        var compared = new[] { Frame(0, Bits(0)), Frame(1, Bits(100)) };

        var python = VpdqMatcher.Match([lowFirst, goodLater, good], compared);
        Assert.Equal(100, python.QueryMatchPercent);     // only 'good' takes part
        Assert.Equal(50, python.ComparedMatchPercent);   // the Bits(0) frame finds no query frame

        var cpp = VpdqMatcher.Match([lowFirst, goodLater, good], compared, new VpdqMatchOptions { Rule = VpdqCountingRule.AllFramesBelowDistance });
        Assert.Equal(100, cpp.QueryMatchPercent);
        Assert.Equal(100, cpp.ComparedMatchPercent);
    }

    [Fact]
    public void LowQualityFramesTakeNoPart()
    {
        var query = new[] { Frame(0, Bits(0), quality: 49), Frame(1, Bits(100), quality: 50) };
        var compared = new[] { Frame(0, Bits(0)), Frame(1, Bits(100)) };
        var result = VpdqMatcher.Match(query, compared);
        Assert.Equal(100, result.QueryMatchPercent);
        Assert.Equal(50, result.ComparedMatchPercent);
        var lenient = VpdqMatcher.Match(query, compared, new VpdqMatchOptions { QualityThreshold = 0 });
        Assert.Equal(100, lenient.ComparedMatchPercent);
    }

    [Fact]
    public void NoUsableFrameOnEitherSideGivesZeroPercent()
    {
        var poor = new[] { Frame(0, Bits(0), quality: 0) };
        var good = new[] { Frame(0, Bits(0)) };
        Assert.Equal(new VpdqMatchResult(0, 0), VpdqMatcher.Match(poor, good));
        Assert.Equal(new VpdqMatchResult(0, 0), VpdqMatcher.Match(good, poor));
        Assert.Equal(new VpdqMatchResult(0, 0), VpdqMatcher.Match([], good));
    }

    [Fact]
    public void FrameOrderAndTimesDoNotMatter()
    {
        var q = VpdqHashFile.Read(VpdqTestData.SampleHashes("chair-19-sd-bar.txt"));
        var t = VpdqHashFile.Read(VpdqTestData.SampleHashes("chair-22-sd-sepia-bar.txt"));
        var shuffled = q.Reverse().Select((f, i) => f with { FrameNumber = i, TimestampSeconds = i * 7.0 }).ToArray();
        Assert.Equal(VpdqMatcher.Match(q, t), VpdqMatcher.Match(shuffled, t));
    }

    [Fact]
    public void MatchDecisionUsesBothThresholds()
    {
        var result = new VpdqMatchResult(85, 10);
        Assert.True(result.IsMatch());
        Assert.False(result.IsMatch(queryThresholdPercent: 90));
        Assert.False(result.IsMatch(comparedThresholdPercent: 20));
    }

    [Fact]
    public void ClipMatchesTheVideoItWasCutFrom()
    {
        var full = VpdqHashFile.Read(VpdqTestData.SampleHashes("chair-orig-22-sd-bar.txt"));
        var clip = full.Skip(200).Take(150).ToArray();
        var result = VpdqMatcher.Match(clip, full);
        Assert.Equal(100, result.QueryMatchPercent);
        Assert.InRange(result.ComparedMatchPercent, 1, 99);
    }

    [Fact]
    public void DistanceThresholdOutOfRangeIsRefused()
    {
        var f = new[] { Frame(0, Bits(0)) };
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqMatcher.Match(f, f, new VpdqMatchOptions { DistanceThreshold = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqMatcher.Match(f, f, new VpdqMatchOptions { DistanceThreshold = 300 }));
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static VpdqFrame Frame(int number, Hash256 hash, int quality = 100) => new(number, quality, hash, number / 30.0);

    /// <summary>A hash with the lowest <paramref name="count"/> bits set: <c>Bits(a)</c> and <c>Bits(b)</c> are |a - b| apart.</summary>
    private static Hash256 Bits(int count)
    {
        Span<ulong> w = stackalloc ulong[4];
        for (int k = 0; k < count; k++)
            w[k >> 6] |= 1UL << (k & 63);
        return new Hash256(w[0], w[1], w[2], w[3]);
    }
}
