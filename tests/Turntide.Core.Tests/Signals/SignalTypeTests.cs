using Turntide.Core.Signals;

namespace Turntide.Core.Tests.Signals;

public class SignalTypeTests
{
    [Theory]
    [InlineData("pdq", SignalType.Pdq)]
    [InlineData("vpdq", SignalType.Vpdq)]
    [InlineData("md5", SignalType.Md5)]
    [InlineData("sha256", SignalType.Sha256)]
    [InlineData("url", SignalType.Url)]
    [InlineData("text", SignalType.Text)]
    [InlineData("PDQ", SignalType.Pdq)]
    public void NamesParseAndFormat(string name, SignalType type)
    {
        Assert.Equal(type, SignalTypes.Parse(name));
        Assert.Equal(name.ToLowerInvariant(), type.Name());
    }

    [Fact]
    public void EveryTypeRoundTripsThroughItsName()
    {
        Assert.Equal(6, SignalTypes.All.Count);
        foreach (var type in SignalTypes.All)
            Assert.Equal(type, SignalTypes.Parse(type.Name()));
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("")]
    [InlineData(" pdq")]
    [InlineData("photo")]
    public void UnknownNamesAreRefusedWithTheList(string name)
    {
        Assert.False(SignalTypes.TryParse(name, out _));
        var ex = Assert.Throws<FormatException>(() => SignalTypes.Parse(name));
        Assert.Contains("pdq, vpdq, md5, sha256, url, text", ex.Message);
    }

    [Fact]
    public void EachTypeNamesTheContentItDescribes()
    {
        Assert.Equal([ContentType.Photo], SignalType.Pdq.ContentTypes());
        Assert.Equal([ContentType.Video], SignalType.Vpdq.ContentTypes());
        Assert.Contains(ContentType.Pdf, SignalType.Md5.ContentTypes());
        Assert.Contains(ContentType.Pdf, SignalType.Text.ContentTypes());
        Assert.Equal([ContentType.Url], SignalType.Url.ContentTypes());
    }
}
