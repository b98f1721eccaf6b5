using System.Buffers;
using System.Security.Cryptography;

namespace Turntide.Core.Hashing.Digests;

/// <summary>Which exact digests to compute in one pass over a file.</summary>
[Flags]
public enum DigestKinds
{
    None = 0,
    Md5 = 1,
    Sha256 = 2,
    Both = Md5 | Sha256,
}

/// <summary>
/// MD5 and SHA-256 of a file's bytes as lower-case hex, the text form the forum's hash lists use.
/// A digest that was not asked for is null.
/// </summary>
public sealed record FileDigests(string? Md5, string? Sha256, long Length);

/// <summary>
/// Streams bytes once through the requested digests with one pooled buffer, so memory stays constant
/// whatever the size of the file (a two-hour video is hashed like a thumbnail).
/// </summary>
public static class FileDigester
{
    /// <summary>Reads in blocks of 1 MiB: large enough that per-call overhead vanishes, small enough to stay in cache.</summary>
    public const int BufferSize = 1 << 20;

    public const int Md5HexLength = 32;
    public const int Sha256HexLength = 64;

    public static FileDigests Compute(Stream stream, DigestKinds kinds = DigestKinds.Both)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (kinds == DigestKinds.None)
            throw new ArgumentException("Ask for at least one digest.", nameof(kinds));
        using var md5 = kinds.HasFlag(DigestKinds.Md5) ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        using var sha256 = kinds.HasFlag(DigestKinds.Sha256) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long length = 0;
        try
        {
            int n;
            while ((n = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                md5?.AppendData(buffer, 0, n);
                sha256?.AppendData(buffer, 0, n);
                length += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new FileDigests(Finish(md5), Finish(sha256), length);
    }

    /// <summary>Digests of a file, read sequentially from disk.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static FileDigests ComputeFile(string path, DigestKinds kinds = DigestKinds.Both)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Compute(stream, kinds);
    }

    /// <summary>One-shot digests of bytes already in memory.</summary>
    public static FileDigests Compute(ReadOnlySpan<byte> bytes) =>
        new(Convert.ToHexStringLower(MD5.HashData(bytes)), Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);

    /// <summary>True when <paramref name="text"/> is exactly <paramref name="length"/> lower-case hex digits.</summary>
    public static bool IsLowerHex(ReadOnlySpan<char> text, int length)
    {
        if (text.Length != length)
            return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
                return false;
        }
        return true;
    }

    private static string? Finish(IncrementalHash? hash) =>
        hash is null ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
}
