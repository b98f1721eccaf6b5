using Turntide.Core.Hashing.Digests;

namespace Turntide.Core.Hashing.Text;

/// <summary>
/// The <c>text</c> signal: SHA-256 of text normalised by <see cref="TextNormalization"/>, written
/// <c>text-sha256-v1:&lt;64 hex digits&gt;</c> so that the value names the exact algorithm that made it.
/// </summary>
public readonly record struct TextDigest(string Hex, long NormalizedLength)
{
    /// <summary>The algorithm's name and version, the prefix of every value.</summary>
    public const string Algorithm = "text-sha256-v1";

    public const string Prefix = Algorithm + ":";

    /// <summary>The signal value, e.g. <c>text-sha256-v1:b94d27b9...</c>.</summary>
    public string Value => Prefix + Hex;

    public override string ToString() => Value;

    /// <summary>Reads a signal value; upper-case hex is accepted and written lower case.</summary>
    public static bool TryParseValue(string? text, out string? value, out string? error)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "a text signal is empty";
            return false;
        }
        int colon = text.IndexOf(':');
        if (colon < 0)
        {
            error = $"a text signal is written {Algorithm}:<64 hex digits>, not '{Shorten(text)}'";
            return false;
        }
        string algorithm = text[..colon];
        if (!string.Equals(algorithm, Algorithm, StringComparison.Ordinal))
        {
            error = $"unknown text digest algorithm '{Shorten(algorithm)}'; this version knows {Algorithm}";
            return false;
        }
        string hex = text[(colon + 1)..].ToLowerInvariant();
        if (!FileDigester.IsLowerHex(hex, 64))
        {
            error = $"a {Algorithm} digest is 64 hex digits, not '{Shorten(text[(colon + 1)..])}'";
            return false;
        }
        value = Prefix + hex;
        error = null;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}

/// <summary>Why text could not be digested: one sentence a person can act on.</summary>
public sealed class TextDigestException(string reason) : Exception(reason);

/// <summary>Limits on what is digested, so that a hostile file cannot keep a worker busy without end.</summary>
public sealed record TextLimits
{
    /// <summary>64 Mi characters: more than ten times the longest manifesto on record.</summary>
    public const long DefaultMaxChars = 64L * 1024 * 1024;

    /// <summary>10,000 pages.</summary>
    public const int DefaultMaxPages = 10_000;

    /// <summary>256 MiB, the project's limit for a file read whole.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    public static readonly TextLimits Default = new();

    /// <summary>Text longer than this (UTF-16 code units, before normalisation) is refused.</summary>
    public long MaxChars { get; init; } = DefaultMaxChars;

    /// <summary>PDFs with more pages than this are refused before any page is read.</summary>
    public int MaxPages { get; init; } = DefaultMaxPages;

    /// <summary>Files larger than this are refused before they are read.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
}
