using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Signals;

namespace Turntide.Core.Tests.Signals;

public class SignalDescriptorTests
{
    [Fact]
    public void EveryTypeHasOneDescriptorUnderItsOwnName()
    {
        Assert.Equal(SignalTypes.All, SignalTypes.Descriptors.Select(d => d.Type));
        foreach (var type in SignalTypes.All)
        {
            Assert.Same(type.Descriptor(), SignalTypes.Find(type.Name()));
            Assert.Same(type.Descriptor(), SignalTypes.Find(" " + type.Name().ToUpperInvariant() + " "));
            Assert.Equal(type.ContentTypes(), type.Descriptor().ContentTypes);
        }
        Assert.Equal("pdq, vpdq, md5, sha256, url, text", SignalTypes.Names);
        Assert.Null(SignalTypes.Find("sha1"));
        Assert.Null(SignalTypes.Find(null));
    }

    [Fact]
    public void TheMatchRulesAndIndexesAreTheReferencesOnes()
    {
        Assert.Equal((SignalMatchRule.Distance, SignalIndexKind.Pdq, PdqHasher.MatchDistance, 64),
            (SignalTypes.Pdq.Rule, SignalTypes.Pdq.Index, SignalTypes.Pdq.DefaultMaxDistance, SignalTypes.Pdq.MaxAllowedDistance));
        Assert.Equal((SignalMatchRule.FrameShares, SignalIndexKind.Vpdq, 80.0, 0.0),
            (SignalTypes.Vpdq.Rule, SignalTypes.Vpdq.Index, SignalTypes.Vpdq.DefaultQueryMatchPercent, SignalTypes.Vpdq.DefaultComparedMatchPercent));
        Assert.False(SignalTypes.Vpdq.ByDistance);
        foreach (var exact in new[] { SignalTypes.Md5, SignalTypes.Sha256, SignalTypes.Url, SignalTypes.Text })
            Assert.Equal((SignalMatchRule.Exact, SignalIndexKind.Exact, 0, 0, false),
                (exact.Rule, exact.Index, exact.DefaultMaxDistance, exact.MaxAllowedDistance, exact.ByDistance));
    }

    [Theory]
    [InlineData("url", "HTTPS://Example.com/a?utm_source=x", "https://example.com/a")]
    [InlineData("md5", " D41D8CD98F00B204E9800998ECF8427E ", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("PDQ", "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22", "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("vpdq", "0,100,F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22,0\r\n30,90,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23,1.0",
        "0,100,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,0.000\n30,90,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23,1.000\n")]
    public void ValidateGivesTheCanonicalForm(string type, string value, string canonical)
    {
        var (descriptor, result, error) = SignalTypes.Validate(type, value);
        Assert.Null(error);
        Assert.Equal(type.ToLowerInvariant(), descriptor!.Name);
        Assert.Equal(canonical, result);
        // The canonical form is a fixed point.
        Assert.Equal(canonical, SignalTypes.Validate(type, canonical).Canonical);
    }

    [Theory]
    [InlineData(null, "x", "signal_type is missing; use one of pdq, vpdq, md5, sha256, url, text")]
    [InlineData("phash", "x", "Unknown signal type 'phash'")]
    [InlineData("md5", "  ", "The md5 signal is empty")]
    [InlineData("md5", "abc", "Malformed md5 signal")]
    [InlineData("url", "ftp://example.com/", "Malformed url signal")]
    [InlineData("text", "sha256:00", "Malformed text signal")]
    [InlineData("vpdq", "0,100,zz,0.000", "Malformed vpdq signal: vpdq line 1")]
    public void ValidateSaysWhatToFix(string? type, string value, string message) =>
        Assert.Contains(message, SignalTypes.Validate(type, value).Error);

    [Fact]
    public void AOneLineValueIsRefusedPastItsLimitButAVpdqIsBoundByItsFrames()
    {
        Assert.Contains("the limit is", SignalTypes.Validate("url", "https://example.com/" + new string('a', SignalValue.MaxLineValueLength)).Error);
        var line = "0,100,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,0.000\n";
        var manyFrames = string.Concat(Enumerable.Range(0, 200).Select(i => line.Replace("0,100", $"{i},100")));
        Assert.True(manyFrames.Length > SignalValue.MaxLineValueLength);
        Assert.Null(SignalTypes.Validate("vpdq", manyFrames).Error);
    }

    [Theory]
    [InlineData(FileKind.Photo, new[] { SignalType.Pdq, SignalType.Md5, SignalType.Sha256 })]
    [InlineData(FileKind.Video, new[] { SignalType.Vpdq, SignalType.Md5, SignalType.Sha256 })]
    [InlineData(FileKind.Pdf, new[] { SignalType.Md5, SignalType.Sha256, SignalType.Text })]
    [InlineData(FileKind.Text, new[] { SignalType.Md5, SignalType.Sha256, SignalType.Text })]
    [InlineData(FileKind.Other, new[] { SignalType.Md5, SignalType.Sha256 })]
    public void AFileGetsEverySignalItsKindAppliesTo(FileKind kind, SignalType[] expected)
    {
        Assert.Equal(expected, FileSignalChoice.Applicable(kind));
        Assert.Equal(expected, FileSignalChoice.Choose(kind, null));
        foreach (var type in SignalTypes.All)
            Assert.Equal(expected.Contains(type), type.Descriptor().AppliesTo(kind));
    }

    [Fact]
    public void TheChoiceFollowsWhatWasAskedForAndWhatCanBeComputed()
    {
        // Where the output is the reference hasher's, a photo gets PDQ alone.
        Assert.Equal([SignalType.Pdq], FileSignalChoice.Defaults(FileKind.Photo, photoPdqOnly: true));
        // Without FFmpeg a video gets its digests only.
        Assert.Equal([SignalType.Md5, SignalType.Sha256], FileSignalChoice.Defaults(FileKind.Video, videoHasher: false));
        // Asked-for signals that do not fit are dropped; when none fits, all stay, so each can say why.
        Assert.Equal([SignalType.Md5], FileSignalChoice.Choose(FileKind.Video, [SignalType.Pdq, SignalType.Md5]));
        Assert.Equal([SignalType.Pdq], FileSignalChoice.Choose(FileKind.Video, [SignalType.Pdq]));
        Assert.Equal([SignalType.Pdq, SignalType.Vpdq, SignalType.Md5, SignalType.Sha256, SignalType.Text],
            FileSignalChoice.AllDefaults());
        Assert.DoesNotContain(SignalType.Url, FileSignalChoice.AllDefaults());
    }
}
