using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Video;

namespace Turntide.Core.Signals;

/// <summary>How two signals of a type are compared.</summary>
public enum SignalMatchRule
{
    /// <summary>Equal canonical forms only (digests, canonical links, text digests).</summary>
    Exact,

    /// <summary>Within a Hamming distance: a default the caller may change, up to a maximum.</summary>
    Distance,

    /// <summary>
    /// vPDQ: frames match within a fixed distance, and a video matches when the share of the query's frames and the
    /// share of the compared video's frames that match reach their thresholds (see <see cref="VpdqMatcher"/>).
    /// </summary>
    FrameShares,
}

/// <summary>Which kind of index the server keeps the signals of a type in.</summary>
public enum SignalIndexKind
{
    /// <summary>A dictionary from canonical value to the signals holding it.</summary>
    Exact,

    /// <summary>The multi-index Hamming search over 256-bit hashes (<see cref="Index.HashIndex"/>).</summary>
    Pdq,

    /// <summary>Videos as bags of frame hashes (<see cref="VpdqVideoIndex"/>).</summary>
    Vpdq,
}

/// <summary>
/// Everything the system knows about one signal type, in one place: its name, how its text is checked and made
/// canonical, how it matches, which index holds it and which content it is computed from. The server's validation,
/// matching and indexes, the pages' type lists and the CLI all read these, so a type behaves the same everywhere.
/// </summary>
public sealed class SignalDescriptor
{
    internal SignalDescriptor(SignalType type, SignalMatchRule rule, SignalIndexKind index, int defaultMaxDistance, int maxAllowedDistance,
        bool anyFile, string summary)
    {
        Type = type;
        Rule = rule;
        Index = index;
        DefaultMaxDistance = defaultMaxDistance;
        MaxAllowedDistance = maxAllowedDistance;
        AnyFile = anyFile;
        Summary = summary;
    }

    public SignalType Type { get; }

    /// <summary>The stored name: pdq, vpdq, md5, sha256, url, text.</summary>
    public string Name => Type.Name();

    public SignalMatchRule Rule { get; }

    public SignalIndexKind Index { get; }

    /// <summary>True when a caller may choose the distance (<see cref="SignalMatchRule.Distance"/>).</summary>
    public bool ByDistance => Rule == SignalMatchRule.Distance;

    /// <summary>The distance a match uses when the caller names none: 31 for PDQ (and per frame for vPDQ); 0 for exact types.</summary>
    public int DefaultMaxDistance { get; }

    /// <summary>The largest distance a caller may ask for; equal to the default where the caller cannot choose.</summary>
    public int MaxAllowedDistance { get; }

    /// <summary>The query share (percent of the query's frames matched) a vPDQ match needs unless the caller says otherwise.</summary>
    public double DefaultQueryMatchPercent => Rule == SignalMatchRule.FrameShares ? VpdqMatchResult.DefaultQueryMatchThresholdPercent : 0;

    /// <summary>The compared share (percent of the banked video's frames matched) a vPDQ match needs unless the caller says otherwise.</summary>
    public double DefaultComparedMatchPercent => Rule == SignalMatchRule.FrameShares ? VpdqMatchResult.DefaultComparedMatchThresholdPercent : 0;

    /// <summary>The content kinds a signal of this type is computed from.</summary>
    public IReadOnlyList<ContentType> ContentTypes => Type.ContentTypes();

    /// <summary>One line for pages and help: what the value is.</summary>
    public string Summary { get; }

    /// <summary>Computed from the bytes of any file, whatever it is (the digests).</summary>
    private bool AnyFile { get; }

    /// <summary>True when a signal of this type can be computed from a file of this kind.</summary>
    public bool AppliesTo(FileKind kind) =>
        AnyFile || new DetectedKind(kind, "").ContentType is { } content && ContentTypes.Contains(content);

    /// <summary>Checks a value and gives its canonical form (<see cref="SignalValue.TryParse"/>).</summary>
    public bool TryCanonicalize(string? text, out string? canonical, out string? error)
    {
        if (SignalValue.TryParse(Type, text, out var value, out error))
        {
            canonical = value.Value;
            return true;
        }
        canonical = null;
        return false;
    }

    public override string ToString() => Name;
}

/// <summary>A checked (type, value) pair from outside: the type's descriptor and the canonical value, or what to fix.</summary>
public readonly record struct CheckedSignal(SignalDescriptor? Type, string? Canonical, string? Error)
{
    public void Deconstruct(out SignalDescriptor? type, out string? canonical, out string? error)
    {
        type = Type;
        canonical = Canonical;
        error = Error;
    }
}

public static partial class SignalTypes
{
    public const string PdqName = "pdq";
    public const string VpdqName = "vpdq";
    public const string Md5Name = "md5";
    public const string Sha256Name = "sha256";
    public const string UrlName = "url";
    public const string TextName = "text";

    /// <summary>
    /// The largest PDQ distance a caller may ask for: a quarter of the bits. Beyond it unrelated photos match by chance
    /// (two random hashes differ in 128 bits on average), and the index's search cost grows with the radius.
    /// </summary>
    public const int MaxPdqDistance = 64;

    public static SignalDescriptor Pdq { get; } = new(SignalType.Pdq, SignalMatchRule.Distance, SignalIndexKind.Pdq,
        PdqHasher.MatchDistance, MaxPdqDistance, anyFile: false, "PDQ hash of a photo: 64 hex digits");

    public static SignalDescriptor Vpdq { get; } = new(SignalType.Vpdq, SignalMatchRule.FrameShares, SignalIndexKind.Vpdq,
        PdqHasher.MatchDistance, PdqHasher.MatchDistance, anyFile: false, "vPDQ of a video: one line frame,quality,pdq,seconds per sampled frame");

    public static SignalDescriptor Md5 { get; } = new(SignalType.Md5, SignalMatchRule.Exact, SignalIndexKind.Exact,
        0, 0, anyFile: true, "MD5 of the file's bytes: 32 hex digits");

    public static SignalDescriptor Sha256 { get; } = new(SignalType.Sha256, SignalMatchRule.Exact, SignalIndexKind.Exact,
        0, 0, anyFile: true, "SHA-256 of the file's bytes: 64 hex digits");

    public static SignalDescriptor Url { get; } = new(SignalType.Url, SignalMatchRule.Exact, SignalIndexKind.Exact,
        0, 0, anyFile: false, "a link, compared in its canonical form");

    public static SignalDescriptor Text { get; } = new(SignalType.Text, SignalMatchRule.Exact, SignalIndexKind.Exact,
        0, 0, anyFile: false, "digest of normalised text: text-sha256-v1: and 64 hex digits");

    /// <summary>Every type's descriptor, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<SignalDescriptor> Descriptors { get; } = [Pdq, Vpdq, Md5, Sha256, Url, Text];

    /// <summary>"pdq, vpdq, md5, sha256, url, text": the list messages name.</summary>
    public static string Names { get; } = string.Join(", ", Descriptors.Select(d => d.Name));

    public static SignalDescriptor Descriptor(this SignalType type) => type switch
    {
        SignalType.Pdq => Pdq,
        SignalType.Vpdq => Vpdq,
        SignalType.Md5 => Md5,
        SignalType.Sha256 => Sha256,
        SignalType.Url => Url,
        SignalType.Text => Text,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown signal type."),
    };

    /// <summary>The descriptor of a stored name (ASCII case and surrounding blanks ignored), or null.</summary>
    public static SignalDescriptor? Find(string? name) =>
        TryParse(name?.Trim(), out var type) ? type.Descriptor() : null;

    /// <summary>
    /// Checks a (type, value) pair from a request, a form or a file: the canonical value, or a message naming the
    /// problem and what to send instead.
    /// </summary>
    public static CheckedSignal Validate(string? typeName, string? value)
    {
        if (string.IsNullOrWhiteSpace(typeName))
            return new(null, null, $"signal_type is missing; use one of {Names}.");
        var type = Find(typeName);
        if (type is null)
            return new(null, null, $"Unknown signal type '{Shorten(typeName)}'; use one of {Names}.");
        if (string.IsNullOrWhiteSpace(value))
            return new(type, null, $"The {type.Name} signal is empty.");
        // A vPDQ value is many lines; its own parser bounds its length and frame count.
        if (type.Type != SignalType.Vpdq && value.Length > SignalValue.MaxLineValueLength)
            return new(type, null, $"The {type.Name} signal is {value.Length} characters long; the limit is {SignalValue.MaxLineValueLength}.");
        var text = type.Type == SignalType.Vpdq ? value.Trim(' ', '\t') : value.Trim();
        return type.TryCanonicalize(text, out var canonical, out var error)
            ? new(type, canonical, null)
            : new(type, null, $"Malformed {type.Name} signal: {error}.");
    }
}
