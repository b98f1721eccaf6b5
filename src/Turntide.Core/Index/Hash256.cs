using System.Numerics;
using System.Runtime.CompilerServices;

namespace Turntide.Core.Index;

/// <summary>
/// A 256-bit hash (PDQ, a vPDQ frame) as four 64-bit words.
/// Bit k of the 256-bit integer lives in word k / 64 at position k % 64, so <see cref="W0"/> holds
/// PDQ's DCT rows 0..3. The text form is the big-endian hexadecimal of that integer, as the
/// reference prints it: the first 16 hex digits are <see cref="W3"/>.
/// </summary>
public readonly record struct Hash256(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public const int Bits = 256;
    public const int HexLength = 64;

    public static readonly Hash256 Zero;

    /// <summary>Number of differing bits, 0..256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DistanceTo(Hash256 other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1)
        + BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Distance(Hash256 a, Hash256 b) => a.DistanceTo(b);

    /// <summary>Number of set bits (the reference's "norm").</summary>
    public int PopCount =>
        BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    public bool GetBit(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, Bits);
        ulong word = (k >> 6) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
        return ((word >> (k & 63)) & 1) != 0;
    }

    /// <summary>The reference's 16-bit word i (DCT row i for PDQ), 0..15.</summary>
    public ushort Word16(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(i, 15);
        ulong word = (i >> 2) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
        return (ushort)(word >> ((i & 3) * 16));
    }

    /// <summary>Builds a hash from the reference's sixteen 16-bit words, w[0] first.</summary>
    public static Hash256 FromWords16(ReadOnlySpan<ushort> words)
    {
        if (words.Length != 16)
            throw new ArgumentException($"A 256-bit hash has 16 words of 16 bits, not {words.Length}.", nameof(words));
        Span<ulong> w = stackalloc ulong[4];
        for (int i = 0; i < 16; i++)
            w[i >> 2] |= (ulong)words[i] << ((i & 3) * 16);
        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    /// <summary>Parses exactly 64 hexadecimal digits (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits; the message names the bad input.</exception>
    public static Hash256 Parse(ReadOnlySpan<char> text)
    {
        if (TryParse(text, out var hash, out var error))
            return hash;
        throw new FormatException(error);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Hash256 hash) => TryParse(text, out hash, out _);

    public static bool TryParse(ReadOnlySpan<char> text, out Hash256 hash, out string? error)
    {
        hash = default;
        if (text.Length != HexLength)
        {
            error = $"'{Shorten(text)}' is not a 256-bit hash: expected {HexLength} hex digits, got {text.Length} characters.";
            return false;
        }
        // Fast path: the runtime's vectorised hex decoder, then the words big-endian (word 3 first).
        Span<byte> bytes = stackalloc byte[32];
        if (Convert.FromHexString(text, bytes, out _, out int written) == System.Buffers.OperationStatus.Done && written == 32)
        {
            hash = new Hash256(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes));
            error = null;
            return true;
        }
        Span<ulong> w = stackalloc ulong[4];
        for (int c = 0; c < HexLength; c++)
        {
            int v = HexValue(text[c]);
            if (v < 0)
            {
                error = $"'{Shorten(text)}' is not a 256-bit hash: character {c + 1} ('{text[c]}') is not a hex digit.";
                return false;
            }
            // Hex char c holds bits 4*(63-c)+3 .. 4*(63-c): word 3 first.
            int word = 3 - (c >> 4);
            w[word] = (w[word] << 4) | (uint)v;
        }
        hash = new Hash256(w[0], w[1], w[2], w[3]);
        error = null;
        return true;
    }

    /// <summary>64 lower-case hex digits, the reference's text form.</summary>
    public override string ToString() => string.Create(HexLength, this, static (span, h) => h.Format(span));

    /// <summary>Writes the 64 lower-case hex digits into <paramref name="destination"/>.</summary>
    public void Format(Span<char> destination)
    {
        if (destination.Length < HexLength)
            throw new ArgumentException($"Need {HexLength} characters.", nameof(destination));
        WriteWord(W3, destination[..16]);
        WriteWord(W2, destination.Slice(16, 16));
        WriteWord(W1, destination.Slice(32, 16));
        WriteWord(W0, destination.Slice(48, 16));
    }

    private static void WriteWord(ulong word, Span<char> dst)
    {
        const string digits = "0123456789abcdef";
        for (int i = 15; i >= 0; i--)
        {
            dst[i] = digits[(int)(word & 0xF)];
            word >>= 4;
        }
    }

    private static int HexValue(char ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => -1,
    };

    private static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= 80 ? text.ToString() : string.Concat(text[..77], "...");
}
