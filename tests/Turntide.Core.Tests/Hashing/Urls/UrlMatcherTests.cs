using Turntide.Core.Hashing.Urls;

namespace Turntide.Core.Tests.Hashing.Urls;

public class UrlMatcherTests
{
    private static CanonicalUrl U(string url) => UrlCanonicalizer.Canonicalize(url);

    [Theory]
    [InlineData("https://example.com/a?id=1", "http://EXAMPLE.com:80/a/?utm_source=feed&id=1#top")]
    [InlineData("https://xn--bcher-kva.example/x", "https://BÜCHER.example/x/")]
    [InlineData("https://example.com/a", "https://user:pw@example.com/./a")]
    public void SameLinkWrittenDifferentlyIsTheSameUrl(string a, string b)
    {
        Assert.True(UrlMatcher.IsSameUrl(U(a), U(b)));
        Assert.Equal(UrlMatch.SameUrl, UrlMatcher.Match(U(a), U(b)));
    }

    [Theory]
    [InlineData("https://example.com/a", "https://example.com/b")]
    [InlineData("https://www.example.com/a", "https://example.com/b")]
    [InlineData("https://example.com:8443/a", "https://example.com/b")]
    public void DifferentPagesOfOneHostAreSameHost(string a, string b)
    {
        Assert.False(UrlMatcher.IsSameUrl(U(a), U(b)));
        Assert.True(UrlMatcher.IsSameHost(U(a), U(b)));
        Assert.Equal(UrlMatch.SameHost, UrlMatcher.Match(U(a), U(b)));
    }

    [Fact]
    public void WwwIsNotTheSameUrlButIsTheSameHost()
    {
        var a = U("https://www.example.com/a");
        var b = U("https://example.com/a");
        Assert.False(UrlMatcher.IsSameUrl(a, b));
        Assert.True(UrlMatcher.IsSameHost(a, b));
    }

    [Theory]
    [InlineData("https://example.com/a", "https://example.org/a")]
    [InlineData("https://notexample.com/a", "https://example.com/a")]
    [InlineData("https://example.com.evil.net/a", "https://example.com/a")]
    [InlineData("https://wwwexample.com/", "https://example.com/")]
    public void DifferentHostsDoNotMatch(string a, string b)
    {
        Assert.Equal(UrlMatch.None, UrlMatcher.Match(U(a), U(b)));
        Assert.Equal(UrlMatch.None, UrlMatcher.Match(U(a), U(b), includeSubdomains: true));
    }

    [Fact]
    public void SubdomainsMatchAListedSiteOnlyWhenAsked()
    {
        var candidate = U("https://media.cdn.example.com/v.mp4");
        var listed = U("https://example.com/");
        Assert.False(UrlMatcher.IsSameHost(candidate, listed));
        Assert.True(UrlMatcher.IsSameHost(candidate, listed, includeSubdomains: true));
        Assert.False(UrlMatcher.IsSameHost(listed, candidate, includeSubdomains: true));
    }

    [Fact]
    public void IPAddressesMatchWhateverFormTheyWereWrittenIn()
    {
        Assert.True(UrlMatcher.IsSameUrl(U("http://3232235777/x"), U("http://192.168.1.1/x")));
        Assert.False(UrlMatcher.IsSameHost(U("http://1.2.3.4/"), U("http://4.3.2.1/"), includeSubdomains: true));
    }
}
