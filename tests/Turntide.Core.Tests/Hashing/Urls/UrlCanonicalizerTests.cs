using System.Net;
using Turntide.Core.Hashing.Urls;

namespace Turntide.Core.Tests.Hashing.Urls;

public class UrlCanonicalizerTests
{
    /// <summary>Input, then the canonical form, or "!" and a fragment of the error message.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        // Scheme and host case, default ports.
        { "HTTP://Example.COM/", "http://example.com/" },
        { "https://EXAMPLE.com:443/a", "https://example.com/a" },
        { "http://example.com:80/a", "http://example.com/a" },
        { "https://example.com:80/a", "https://example.com:80/a" },
        { "http://example.com:0080/a", "http://example.com/a" },
        { "http://example.com:8080", "http://example.com:8080/" },
        { "http://example.com:/a", "http://example.com/a" },
        { "http://example.com", "http://example.com/" },
        { "  https://example.com/a \n", "https://example.com/a" },
        // IDN to punycode (UTS #46 mapping: full-width, upper case, ideographic full stop).
        { "https://Bücher.example/", "https://xn--bcher-kva.example/" },
        { "https://Ｂücher．ＥＸＡＭＰＬＥ/", "https://xn--bcher-kva.example/" },
        { "https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/" },
        { "https://faß.de/", "https://xn--fa-hia.de/" },
        { "https://пример.рф/путь", "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C" },
        { "https://example.com./a", "https://example.com/a" },
        { "https://ex%61mple.com/", "https://example.com/" },
        // Percent-encoding normalisation.
        { "https://example.com/%7euser/%41%42c", "https://example.com/~user/ABc" },
        { "https://example.com/a%2fb", "https://example.com/a%2Fb" },
        { "https://example.com/a b/ü", "https://example.com/a%20b/%C3%BC" },
        { "https://example.com/100%/x", "https://example.com/100%25/x" },
        { "https://example.com/a\"<>`{}|^[]", "https://example.com/a%22%3C%3E%60%7B%7D%7C%5E%5B%5D" },
        { "https://example.com/!$&'()*+,;=:@", "https://example.com/!$&'()*+,;=:@" },
        // Dot segments, merged slashes, trailing slash, backslashes.
        { "https://example.com/a/./b/../c", "https://example.com/a/c" },
        { "https://example.com/a/%2E%2E/b", "https://example.com/b" },
        { "https://example.com/../../a", "https://example.com/a" },
        { "https://example.com//a///b//", "https://example.com/a/b" },
        { "https://example.com/a/b/", "https://example.com/a/b" },
        { "https://example.com/A/B", "https://example.com/A/B" },
        { "https:\\\\example.com\\a\\b", "https://example.com/a/b" },
        { "https:example.com/a", "https://example.com/a" },
        // Query: tracking parameters, empty parameters, order, encoding.
        { "https://example.com/a?utm_source=x&id=7&UTM_Medium=y&fbclid=z&gclid=1", "https://example.com/a?id=7" },
        { "https://example.com/?b=2&a=1&b=1", "https://example.com/?a=1&b=2&b=1" },
        { "https://example.com/?&&a=1&", "https://example.com/?a=1" },
        { "https://example.com/?utm_campaign=spring", "https://example.com/" },
        { "https://example.com/?", "https://example.com/" },
        { "https://example.com/?q=a+b%20c&x=%7e&y=%2f", "https://example.com/?q=a+b%20c&x=~&y=%2F" },
        { "https://example.com/?flag&k=", "https://example.com/?flag&k=" },
        { "https://www.youtube.com/watch?v=abc123&si=share&feature=shared", "https://www.youtube.com/watch?v=abc123" },
        { "https://example.com/watch?v=abc123&si=keep", "https://example.com/watch?si=keep&v=abc123" },
        { "https://x.com/user/status/1?s=20&t=abc", "https://x.com/user/status/1" },
        { "https://www.facebook.com/post?__cft__[0]=AZx&__tn__=R&id=5", "https://www.facebook.com/post?id=5" },
        // Fragments.
        { "https://example.com/a#section-2", "https://example.com/a" },
        { "https://example.com/#!/user/status/1", "https://example.com/#!/user/status/1" },
        { "https://example.com/#/posts/42", "https://example.com/#/posts/42" },
        // Credentials are removed, and the real host is the one after the last '@'.
        { "https://user:secret@example.com/a", "https://example.com/a" },
        { "https://bank.example@evil.example/login", "https://evil.example/login" },
        { "https://a@b@evil.example/", "https://evil.example/" },
        { "https://good.example\\@evil.example/", "https://good.example/@evil.example" },
        // IP literals.
        { "http://192.168.1.1/", "http://192.168.1.1/" },
        { "http://3232235777/", "http://192.168.1.1/" },
        { "http://0xC0A80101/", "http://192.168.1.1/" },
        { "http://0300.0250.01.01/", "http://192.168.1.1/" },
        { "http://192.168.257/", "http://192.168.1.1/" },
        { "http://127.1/", "http://127.0.0.1/" },
        { "http://0x7f.1/", "http://127.0.0.1/" },
        { "http://１２７．０．０．１/", "http://127.0.0.1/" },
        { "http://[2001:0DB8:0000:0000:0000:0000:0000:0001]:8080/", "http://[2001:db8::1]:8080/" },
        { "http://[::FFFF:192.168.1.1]/", "http://[::ffff:192.168.1.1]/" },
        { "http://[::1]/", "http://[::1]/" },
        // Refused: hostile or meaningless input.
        { "http://256.1.1.1/", "!not a valid IPv4 address" },
        { "http://1.2.3.4.5/", "!not a valid IPv4 address" },
        { "http://4294967296/", "!not a valid IPv4 address" },
        { "http://0x1g/", "http://0x1g/" }, // not a number, so a domain name (as browsers read it)
        { "http://[fe80::1%25eth0]/", "!zone" },
        { "http://[1:2:3]/", "!not a valid IPv6 address" },
        { "http://[::1/", "!no closing" },
        { "http://[::1]x/", "!after the IPv6 address" },
        { "javascript:alert(1)", "!scheme 'javascript' is not supported" },
        { "data:text/html,<script>", "!scheme 'data' is not supported" },
        { "file:///etc/passwd", "!scheme 'file' is not supported" },
        { "ftp://example.com/a", "!scheme 'ftp' is not supported" },
        { "example.com/a", "!no scheme" },
        { "//example.com/a", "!no scheme" },
        { "", "!empty" },
        { "   ", "!empty" },
        { "https://", "!no host" },
        { "https:///a", "https://a/" }, // browsers skip every slash after the scheme
        { "https://?q=1", "!no host" },
        { "https://user@/", "!no host" },
        { "https://exa\tmple.com/", "!control character U+0009" },
        { "https://example.com/a\nb", "!control character U+000A" },
        { "https://example.com/\u0000", "!control character U+0000" },
        { "https://example.com/\u0085", "!control character U+0085" },
        { "https://exa mple.com/", "!character U+0020" },
        { "https://exa<mple.com/", "!'<'" },
        { "https://ex%2541mple.com/", "!'%'" },
        { "https://\u202Eevil.com/", "!not allowed in domain names" },
        { "https://a..b/", "!empty label" },
        { "https://xn--zz.com/", "!punycode" },
        { "https://" + new string('a', 64) + ".com/", "!longer than 63" },
        { "https://example.com:65536/", "!over 65535" },
        { "https://example.com:99999999999/", "!over 65535" },
        { "https://example.com:8o/", "!not a number" },
        { "https://example.com/" + new string('a', 8200), "!over the limit of 8192" },
        { "https://example.com/" + string.Concat(Enumerable.Repeat("ü", 2000)), "!canonical form of the URL is" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CanonicalizesAsTheTableSays(string input, string expected)
    {
        bool ok = UrlCanonicalizer.TryCanonicalize(input, out var canonical, out var error);
        if (expected.StartsWith('!'))
        {
            Assert.False(ok, $"expected an error, got {canonical?.Value}");
            Assert.Contains(expected[1..], error);
            Assert.Throws<UrlFormatException>(() => UrlCanonicalizer.Canonicalize(input));
        }
        else
        {
            Assert.True(ok, error);
            Assert.Equal(expected, canonical!.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CanonicalFormIsAFixedPoint(string input, string expected)
    {
        if (expected.StartsWith('!'))
            return;
        var once = UrlCanonicalizer.Canonicalize(input);
        var twice = UrlCanonicalizer.Canonicalize(once.Value);
        Assert.Equal(once.Value, twice.Value);
    }

    /// <summary>
    /// System.Uri agrees where it is right: it parses every canonical form and leaves it unchanged (host case, ports,
    /// dot segments and unreserved escapes are already as it would make them), and finds the same host.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void SystemUriLeavesTheCanonicalFormUnchanged(string input, string expected)
    {
        if (expected.StartsWith('!'))
            return;
        var canonical = UrlCanonicalizer.Canonicalize(input);
        Assert.True(Uri.TryCreate(canonical.Value, UriKind.Absolute, out var uri), canonical.Value);
        Assert.Equal(canonical.Value, uri!.AbsoluteUri);
        Assert.Equal(canonical.Host, uri.HostNameType == UriHostNameType.IPv6 ? "[" + uri.IdnHost.Trim('[', ']') + "]" : uri.IdnHost);
        Assert.Equal(canonical.Port ?? (canonical.Scheme == "https" ? 443 : 80), uri.Port);
    }

    [Fact]
    public void CredentialsAreReportedAsRemoved()
    {
        Assert.True(UrlCanonicalizer.Canonicalize("https://user:pw@example.com/").CredentialsRemoved);
        Assert.False(UrlCanonicalizer.Canonicalize("https://example.com/@user").CredentialsRemoved);
    }

    [Theory]
    [InlineData("192.168.1.1")]
    [InlineData("3232235777")]
    [InlineData("0xC0A80101")]
    [InlineData("0300.0250.1.1")]
    [InlineData("0xc0.0xa8.1.1")]
    [InlineData("127.1")]
    [InlineData("10.0.258")]
    [InlineData("0")]
    [InlineData("0x7f000001")]
    [InlineData("4294967295")]
    public void NumericHostsReadAsSystemUriReadsThem(string host)
    {
        var ours = UrlCanonicalizer.Canonicalize($"http://{host}/");
        var uri = new Uri($"http://{host}/");
        Assert.Equal(UriHostNameType.IPv4, uri.HostNameType);
        Assert.Equal(uri.Host, ours.Host);
        Assert.Equal(UrlHostKind.IPv4, ours.HostKind);
    }

    [Theory]
    [InlineData("2001:DB8:0:0:0:0:0:1")]
    [InlineData("::ffff:c0a8:101")]
    [InlineData("fe80:0:0:0:200:f8ff:fe21:67cf")]
    [InlineData("0:0:0:0:0:0:0:0")]
    public void IPv6HostsAreWrittenAsIPAddressWritesThem(string address)
    {
        var ours = UrlCanonicalizer.Canonicalize($"http://[{address}]/");
        Assert.Equal("[" + IPAddress.Parse(address) + "]", ours.Host);
        Assert.Equal(UrlHostKind.IPv6, ours.HostKind);
    }

    [Fact]
    public void InputAtTheLengthLimitIsAccepted()
    {
        string prefix = "https://example.com/";
        string url = prefix + new string('a', UrlCanonicalizer.MaxLength - prefix.Length);
        Assert.Equal(url, UrlCanonicalizer.Canonicalize(url).Value);
        Assert.Throws<UrlFormatException>(() => UrlCanonicalizer.Canonicalize(url + "a"));
    }

    [Fact]
    public void UnpairedSurrogateIsRefused()
    {
        var ex = Assert.Throws<UrlFormatException>(() => UrlCanonicalizer.Canonicalize("https://example.com/a\uD800b"));
        Assert.Contains("surrogate", ex.Message);
    }
}
