using BenchmarkDotNet.Attributes;
using Turntide.Core.Hashing.Urls;

namespace Turntide.Benchmarks.Hashing.Urls;

/// <summary>Canonical forms of typical shared links: plain, with tracking tags, and with an IDN host.</summary>
[MemoryDiagnoser]
public class UrlCanonicalizerBenchmarks
{
    private static readonly string[] Links =
    [
        "https://example.com/news/2024/03/article-title",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=AbCdEf123&feature=shared&utm_source=twitter",
        "HTTPS://User:pw@Bücher.Example:443/a/./b/../c/?z=1&utm_medium=social&a=%7e#frag",
        "http://3232235777/path/to/file.pdf",
    ];

    [Params(0, 1, 2, 3)]
    public int Link { get; set; }

    [Benchmark(Description = "Canonicalize one link")]
    public string Canonicalize() => UrlCanonicalizer.Canonicalize(Links[Link]).Value;
}
