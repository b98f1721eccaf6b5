namespace Turntide.Core.Signals;

/// <summary>
/// Which signals a file gets, from what the file is (<see cref="ContentSniffer"/>) and the types' descriptors. The
/// CLI's <c>hash</c> command and the server's hashing both ask here, so a file gets the same signals from either.
/// </summary>
public static class FileSignalChoice
{
    /// <summary>Every signal type that can be computed from a file of this kind, in output order.</summary>
    public static IReadOnlyList<SignalType> Applicable(FileKind kind, bool videoHasher = true) =>
        [.. SignalTypes.All.Where(t => t.Descriptor().AppliesTo(kind) && (videoHasher || t != SignalType.Vpdq))];

    /// <summary>
    /// The signals a file of this kind gets when nobody chose: every applicable one, except that a photo gets PDQ
    /// alone where the output is the reference hasher's (<paramref name="photoPdqOnly"/>, the CLI's default).
    /// Without a video hasher (no FFmpeg) a video gets its digests only.
    /// </summary>
    public static IReadOnlyList<SignalType> Defaults(FileKind kind, bool videoHasher = true, bool photoPdqOnly = false) =>
        kind == FileKind.Photo && photoPdqOnly ? [SignalType.Pdq] : Applicable(kind, videoHasher);

    /// <summary>
    /// The signals to compute for a file: the <paramref name="asked"/> ones that fit its kind (a folder of photos
    /// and videos asked for pdq and md5 gives PDQ to the photos, MD5 to all); when none fits, all of them, so each
    /// reports why it does not apply; with nothing asked, <see cref="Defaults"/>.
    /// </summary>
    public static IReadOnlyList<SignalType> Choose(FileKind kind, IReadOnlyList<SignalType>? asked, bool videoHasher = true, bool photoPdqOnly = false)
    {
        if (asked is null)
            return Defaults(kind, videoHasher, photoPdqOnly);
        var fitting = asked.Where(s => s.Descriptor().AppliesTo(kind)).ToList();
        return fitting.Count > 0 ? fitting : asked;
    }

    /// <summary>Every signal some kind gets by default, in output order (the columns of a table of files).</summary>
    public static IReadOnlyList<SignalType> AllDefaults(bool videoHasher = true, bool photoPdqOnly = false) =>
        [.. Enum.GetValues<FileKind>().SelectMany(k => Defaults(k, videoHasher, photoPdqOnly)).Distinct().Order()];
}
