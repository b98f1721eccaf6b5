using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Index;

namespace Turntide.Server.Features.Signals;

/// <summary>
/// A kind of signal the server accepts: how its text is checked and made canonical, and whether it matches by
/// distance (perceptual hashes) or only exactly (digests). New types (vpdq, url, text) are added here.
/// </summary>
public sealed record SignalType(string Name, bool ByDistance, int DefaultMaxDistance, int MaxAllowedDistance, Func<string, SignalParse> Parse);

public readonly record struct SignalParse(string? Canonical, string? Error);

public static class SignalTypes
{
    public const string PdqName = "pdq";
    public const string Md5Name = "md5";
    public const string Sha256Name = "sha256";

    /// <summary>Longest signal text accepted, before any parsing.</summary>
    public const int MaxValueLength = 4096;

    public static readonly SignalType Pdq = new(PdqName, ByDistance: true, PdqHasher.MatchDistance, MaxAllowedDistance: 64, ParsePdq);
    public static readonly SignalType Md5 = new(Md5Name, ByDistance: false, 0, 0, v => ParseHex(v, 32, "MD5"));
    public static readonly SignalType Sha256 = new(Sha256Name, ByDistance: false, 0, 0, v => ParseHex(v, 64, "SHA-256"));

    public static readonly IReadOnlyList<SignalType> All = [Pdq, Md5, Sha256];

    public static string Names => string.Join(", ", All.Select(t => t.Name));

    public static SignalType? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(t => t.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks a (type, value) pair; returns the canonical value or a message naming the problem.</summary>
    public static (SignalType? Type, string? Canonical, string? Error) Validate(string? typeName, string? value)
    {
        if (string.IsNullOrWhiteSpace(typeName))
            return (null, null, $"signal_type is missing; use one of {Names}.");
        var type = Find(typeName);
        if (type is null)
            return (null, null, $"Unknown signal type '{Shorten(typeName)}'; use one of {Names}.");
        if (string.IsNullOrWhiteSpace(value))
            return (type, null, $"The {type.Name} signal is empty.");
        if (value.Length > MaxValueLength)
            return (type, null, $"The {type.Name} signal is {value.Length} characters long; the limit is {MaxValueLength}.");
        var parsed = type.Parse(value.Trim());
        return (type, parsed.Canonical, parsed.Error);
    }

    private static SignalParse ParsePdq(string value) =>
        Hash256.TryParse(value, out var hash, out var error)
            ? new SignalParse(hash.ToString(), null)
            : new SignalParse(null, "Malformed pdq signal: " + error);

    private static SignalParse ParseHex(string value, int length, string what)
    {
        if (value.Length != length)
            return new SignalParse(null, $"Malformed {what} signal: expected {length} hex digits, got {value.Length} characters.");
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigit(c))
                return new SignalParse(null, $"Malformed {what} signal: '{c}' is not a hex digit.");
        }
        return new SignalParse(value.ToLowerInvariant(), null);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
