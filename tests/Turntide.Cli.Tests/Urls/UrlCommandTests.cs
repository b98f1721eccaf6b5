using Turntide.Cli.Urls;
using Turntide.Core.Hashing.Urls;

namespace Turntide.Cli.Tests.Urls;

public class UrlCommandTests
{
    private static CommandRun Canonicalize(string[] urls, string stdin = "")
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = UrlCommand.RunCanonicalize(urls, () => new StringReader(stdin), stdout, stderr);
        return new CommandRun(exit, stdout.ToString(), stderr.ToString());
    }

    private static CommandRun Compare(string a, string b, bool subdomains = false)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = UrlCommand.RunCompare(a, b, subdomains, stdout, stderr);
        return new CommandRun(exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void PrintsOneCanonicalLinkPerLine()
    {
        var run = Canonicalize(["HTTPS://User:pw@Bücher.Example:443/a/../b/?utm_source=x&z=1&a=2#frag", "http://3232235777"]);
        Assert.Equal(0, run.Exit);
        Assert.Equal(["https://xn--bcher-kva.example/b?a=2&z=1", "http://192.168.1.1/"], run.Lines);
    }

    [Fact]
    public void BadLinksAreReportedAndTheRestGoOn()
    {
        var run = Canonicalize(["javascript:alert(1)", "https://example.com/a/", "https://exa\nmple.com"]);
        Assert.Equal(1, run.Exit);
        Assert.Equal(["https://example.com/a"], run.Lines);
        Assert.Equal(
        [
            "turntide: javascript:alert(1): the scheme 'javascript' is not supported: only http and https links are canonicalised",
            "turntide: https://exa\\u000Ample.com: the URL contains the control character U+000A at position 12",
        ], run.ErrorLines);
    }

    [Fact]
    public void StandardInputIsReadLineByLineAndAnEndlessLineIsRefusedByLength()
    {
        string endless = "https://example.com/" + new string('a', 100_000);
        var run = Canonicalize(["-"], stdin: $"https://EXAMPLE.com/x\r\n\n{endless}\nhttps://example.com/y?fbclid=1\n");
        Assert.Equal(1, run.Exit);
        Assert.Equal(["https://example.com/x", "https://example.com/y"], run.Lines);
        Assert.Single(run.ErrorLines);
        Assert.Contains($"over the limit of {UrlCanonicalizer.MaxLength}", run.ErrorLines[0]);
    }

    [Theory]
    [InlineData("https://example.com/a?utm_source=x", "http://EXAMPLE.com/a/", "same-url")]
    [InlineData("https://www.example.com/a", "https://example.com/b", "same-host")]
    [InlineData("https://example.com/a", "https://example.org/a", "different")]
    public void CompareSaysHowTwoLinksMatch(string a, string b, string expected)
    {
        var run = Compare(a, b);
        Assert.Equal(0, run.Exit);
        Assert.Equal([expected], run.Lines);
    }

    [Fact]
    public void CompareCountsSubdomainsOnlyWhenAsked()
    {
        Assert.Equal(["different"], Compare("https://cdn.example.com/v", "https://example.com/").Lines);
        Assert.Equal(["same-host"], Compare("https://cdn.example.com/v", "https://example.com/", subdomains: true).Lines);
    }

    [Fact]
    public void CompareRefusesABadLink()
    {
        var run = Compare("ftp://example.com/", "https://example.com/");
        Assert.Equal(1, run.Exit);
        Assert.Contains("scheme 'ftp' is not supported", run.Stderr);
    }
}
