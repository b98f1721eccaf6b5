using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Turntide.Core.Hashing.Digests;

namespace Turntide.Core.Tests.Hashing.Digests;

public class FileDigesterTests
{
    /// <summary>RFC 1321's MD5 test suite and FIPS 180-2's SHA-256 examples.</summary>
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0", "f7846f55cf23e14eebeab5b4e1550cad5b509e3348fbc4efa3a1413d393cb650")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "8215ef0796a20bcaaae116d3876c664a", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a", "f371bc4a311f2b009eef952dd83ca80e2b60026c8e935592d0f9c308453c813e")]
    public void PublishedVectors(string input, string md5, string sha256)
    {
        var digests = FileDigester.Compute(new MemoryStream(Encoding.ASCII.GetBytes(input)));
        Assert.Equal(md5, digests.Md5);
        Assert.Equal(sha256, digests.Sha256);
        Assert.Equal(input.Length, digests.Length);
    }

    [Fact]
    public void OneMillionAs() =>
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            FileDigester.Compute(new MemoryStream(Encoding.ASCII.GetBytes(new string('a', 1_000_000))), DigestKinds.Sha256).Sha256);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(FileDigester.BufferSize - 1)]
    [InlineData(FileDigester.BufferSize)]
    [InlineData(FileDigester.BufferSize + 1)]
    [InlineData(3 * FileDigester.BufferSize + 12345)]
    public void StreamedDigestsEqualOneShotDigestsWhateverTheReadSizes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var streamed = FileDigester.Compute(new RaggedStream(bytes, seed: length));
        var oneShot = FileDigester.Compute(bytes.AsSpan());
        Assert.Equal(oneShot, streamed);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), streamed.Md5);
    }

    [Fact]
    public void OnlyTheRequestedDigestIsComputed()
    {
        var md5Only = FileDigester.Compute(new MemoryStream([1, 2, 3]), DigestKinds.Md5);
        Assert.NotNull(md5Only.Md5);
        Assert.Null(md5Only.Sha256);
        var shaOnly = FileDigester.Compute(new MemoryStream([1, 2, 3]), DigestKinds.Sha256);
        Assert.Null(shaOnly.Md5);
        Assert.NotNull(shaOnly.Sha256);
    }

    [Fact]
    public void MemoryStaysConstantWhateverTheSize()
    {
        // Warm up so one-time allocations (pool, OpenSSL handles) are not counted.
        FileDigester.Compute(new SyntheticStream(FileDigester.BufferSize * 2));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var digests = FileDigester.Compute(new SyntheticStream(256L * 1024 * 1024));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(256L * 1024 * 1024, digests.Length);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes for 256 MiB");
    }

    /// <summary>Cross-check with coreutils' md5sum and sha256sum on a real file.</summary>
    [Fact]
    public void FileDigestsEqualCoreutils()
    {
        string path = Path.Combine(TestData.PdqData, "bridge-mods", "aaa-orig.jpg");
        var ours = FileDigester.ComputeFile(path);
        Assert.Equal(Run("md5sum", path), ours.Md5);
        Assert.Equal(Run("sha256sum", path), ours.Sha256);
    }

    private static string Run(string tool, string path)
    {
        var start = new ProcessStartInfo(tool, [path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split(' ')[0];
    }

    /// <summary>Returns bytes in reads of random sizes, as pipes and network streams do.</summary>
    private sealed class RaggedStream(byte[] bytes, int seed) : MemoryStream(bytes)
    {
        private readonly Random _random = new(seed);

        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, Math.Min(count, 1 + _random.Next(70_000)));
    }

    /// <summary>A long deterministic stream that holds nothing in memory.</summary>
    private sealed class SyntheticStream(long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _position);
            for (int i = 0; i < n; i++)
                buffer[offset + i] = (byte)((_position + i) * 31);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
