namespace Turntide.Core.Signals;

/// <summary>
/// A kind of signal, in ThreatExchange's vocabulary. The names (<see cref="SignalTypes.Name"/>) are what files, APIs
/// and databases store, so they never change; the enum order is only the order in which output lists them.
/// </summary>
public enum SignalType
{
    /// <summary>PDQ hash of a photo: 64 hex digits.</summary>
    Pdq,

    /// <summary>vPDQ of a video: one PDQ hash per sampled frame.</summary>
    Vpdq,

    /// <summary>MD5 of the file's bytes: 32 hex digits.</summary>
    Md5,

    /// <summary>SHA-256 of the file's bytes: 64 hex digits.</summary>
    Sha256,

    /// <summary>A link in its canonical form.</summary>
    Url,

    /// <summary>A digest of normalised text (captions, manifestos, the text of PDFs), naming its algorithm version.</summary>
    Text,
}

/// <summary>Names, parsing and the content each signal type describes.</summary>
public static partial class SignalTypes
{
    public static IReadOnlyList<SignalType> All { get; } = Enum.GetValues<SignalType>();

    /// <summary>The stored name: pdq, vpdq, md5, sha256, url, text.</summary>
    public static string Name(this SignalType type) => type switch
    {
        SignalType.Pdq => "pdq",
        SignalType.Vpdq => "vpdq",
        SignalType.Md5 => "md5",
        SignalType.Sha256 => "sha256",
        SignalType.Url => "url",
        SignalType.Text => "text",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown signal type."),
    };

    /// <exception cref="FormatException">The name is not one of <see cref="All"/>; the message lists them.</exception>
    public static SignalType Parse(string name) =>
        TryParse(name, out var type) ? type : throw new FormatException(UnknownMessage(name));

    /// <summary>Accepts the stored names only, ignoring ASCII case ("PDQ" is pdq).</summary>
    public static bool TryParse(string? name, out SignalType type)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }

    internal static string UnknownMessage(string? name) =>
        $"'{Shorten(name ?? "")}' is not a signal type; expected one of {string.Join(", ", All.Select(Name))}.";

    /// <summary>The kinds of content a signal of this type can be computed from.</summary>
    public static IReadOnlyList<ContentType> ContentTypes(this SignalType type) => type switch
    {
        SignalType.Pdq => [ContentType.Photo],
        SignalType.Vpdq => [ContentType.Video],
        SignalType.Md5 or SignalType.Sha256 => [ContentType.Photo, ContentType.Video, ContentType.Pdf, ContentType.Text],
        SignalType.Url => [ContentType.Url],
        SignalType.Text => [ContentType.Text, ContentType.Pdf],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown signal type."),
    };

    internal static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}

/// <summary>The kind of media a signal describes (ThreatExchange's ContentType).</summary>
public enum ContentType
{
    Photo,
    Video,
    Pdf,
    Url,
    Text,
}
