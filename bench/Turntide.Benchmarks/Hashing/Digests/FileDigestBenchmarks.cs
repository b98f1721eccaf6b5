using BenchmarkDotNet.Attributes;
using Turntide.Core.Hashing.Digests;

namespace Turntide.Benchmarks.Hashing.Digests;

/// <summary>Streamed MD5 and SHA-256 of 64 MiB held in memory (no disk), one core: the digest cost alone.</summary>
[MemoryDiagnoser]
public class FileDigestBenchmarks
{
    private byte[] _bytes = [];

    [Params(DigestKinds.Md5, DigestKinds.Sha256, DigestKinds.Both)]
    public DigestKinds Kinds { get; set; } = DigestKinds.Both;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = new byte[64 * 1024 * 1024];
        new Random(42).NextBytes(_bytes);
    }

    [Benchmark(Description = "64 MiB streamed")]
    public FileDigests Stream64MiB() => FileDigester.Compute(new MemoryStream(_bytes, writable: false), Kinds);
}
