using Turntide.Core.Signals;

namespace Turntide.Core.Tests.Signals;

public class SignalValueTests
{
    private const string Pdq = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

    /// <summary>Type, input, canonical value.</summary>
    public static TheoryData<SignalType, string, string> Valid() => new()
    {
        { SignalType.Pdq, Pdq, Pdq },
        { SignalType.Pdq, Pdq.ToUpperInvariant(), Pdq },
        { SignalType.Md5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e" },
        { SignalType.Sha256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { SignalType.Url, "HTTPS://Example.com:443/a/?utm_source=x#top", "https://example.com/a" },
        { SignalType.Text, "text-sha256-v1:B94D27B9934D3E08A52E52D7DA7DABFAC484EFE37A5380EE9088F7ACE2EFCDE9", "text-sha256-v1:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" },
        { SignalType.Vpdq, $"0,100,{Pdq.ToUpperInvariant()},0.000\r\n30,87,{Pdq},1.0\n", $"0,100,{Pdq},0.000\n30,87,{Pdq},1.000\n" },
        { SignalType.Vpdq, $"5,0,{Pdq},0.167", $"5,0,{Pdq},0.167\n" },
    };

    /// <summary>Type, input, a fragment of the error.</summary>
    public static TheoryData<SignalType, string, string> Invalid() => new()
    {
        { SignalType.Pdq, Pdq[..63], "expected 64 hex digits" },
        { SignalType.Pdq, Pdq[..63] + "g", "is not a hex digit" },
        { SignalType.Pdq, "", "empty" },
        { SignalType.Md5, "d41d8cd98f00b204e9800998ecf8427", "expected 32 hex digits" },
        { SignalType.Md5, "d41d8cd98f00b204e9800998ecf8427x", "expected 32 hex digits" },
        { SignalType.Sha256, Pdq + "00", "expected 64 hex digits" },
        { SignalType.Url, "javascript:alert(1)", "not supported" },
        { SignalType.Url, "https://example.com/" + new string('a', 9000), "over the limit" },
        { SignalType.Text, Pdq, "text-sha256-v1:<64 hex digits>" },
        { SignalType.Text, "text-sha256-v2:" + Pdq, "unknown text digest algorithm 'text-sha256-v2'" },
        { SignalType.Text, "text-sha256-v1:" + Pdq[..60], "64 hex digits" },
        { SignalType.Vpdq, $"0,100,{Pdq}", "not frame,quality,hash,timestamp" },
        { SignalType.Vpdq, $"0,101,{Pdq},0.000", "not a quality from 0 to 100" },
        { SignalType.Vpdq, $"-1,100,{Pdq},0.000", "not a frame number" },
        { SignalType.Vpdq, $"0,100,{Pdq[..10]},0.000", "64 hex digits" },
        { SignalType.Vpdq, $"0,100,{Pdq},-1", "not a timestamp" },
        { SignalType.Vpdq, $"0,100,{Pdq},NaN", "not a timestamp" },
        { SignalType.Vpdq, $"1,100,{Pdq},0.033\n0,100,{Pdq},0.000", "does not follow" },
        { SignalType.Vpdq, $"0,100,{Pdq},0.000\n\n1,100,{Pdq},0.033", "line 2 is empty" },
        { SignalType.Vpdq, "\n", "line 1 is empty" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ValidValuesAreCanonicalised(SignalType type, string input, string expected)
    {
        var value = SignalValue.Parse(type, input);
        Assert.Equal(type, value.Type);
        Assert.Equal(expected, value.Value);
        Assert.Equal(value, SignalValue.Parse(type, value.Value));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidValuesAreRefusedWithAReason(SignalType type, string input, string error)
    {
        Assert.False(SignalValue.TryParse(type, input, out _, out var message));
        Assert.Contains(error, message);
        Assert.Throws<FormatException>(() => SignalValue.Parse(type, input));
    }

    [Fact]
    public void VpdqValueOverTheFrameLimitIsRefused()
    {
        var lines = string.Concat(Enumerable.Range(0, SignalValue.MaxVpdqFrames + 1).Select(i => $"{i},100,{Pdq},{i}.000\n"));
        Assert.False(SignalValue.TryParse(SignalType.Vpdq, lines, out _, out var error));
        Assert.Contains($"more than {SignalValue.MaxVpdqFrames} frames", error);
    }

    [Fact]
    public void ValuesOfDifferentTypesAreDifferentSignals()
    {
        string hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        Assert.NotEqual(SignalValue.Parse(SignalType.Pdq, hex), SignalValue.Parse(SignalType.Sha256, hex));
        Assert.Equal("sha256:" + hex, SignalValue.Parse(SignalType.Sha256, hex).ToString());
    }
}
