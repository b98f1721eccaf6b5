using Turntide.Cli.Common;
using Turntide.Core.Hashing.Digests;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Imaging;
using Turntide.Core.Signals;

namespace Turntide.Cli.Hashing;

/// <summary>What <c>turntide hash</c> computes for each file, and with which limits.</summary>
internal sealed record HashOptions
{
    /// <summary>The signals asked for with --signal, in the order given; null means each kind's defaults.</summary>
    public IReadOnlyList<SignalType>? Signals { get; init; }

    public bool Dihedral { get; init; }

    public DecodeLimits Limits { get; init; } = DecodeLimits.Default;

    /// <summary>Threads one video may use (vPDQ hashes the frames of one video in parallel).</summary>
    public int Threads { get; init; } = 1;

    public VpdqFileHasher? Vpdq { get; init; } = VideoSignals.Hasher;

    public TextLimits TextLimits => new() { MaxBytes = Limits.MaxBytes };
}

/// <summary>One signal of one file: its value, or why it could not be computed.</summary>
internal sealed record SignalOutcome(SignalType Type, string? Value, string? Error, PdqResult? Pdq = null, PdqDihedralResult? Dihedral = null)
{
    public static SignalOutcome Failed(SignalType type, string error) => new(type, null, error);
}

/// <summary>Everything computed for one file; <see cref="Error"/> when the file could not be read at all.</summary>
internal sealed record FileOutcome(DetectedKind Kind, IReadOnlyList<SignalOutcome> Signals, string? Error)
{
    public bool HasErrors => Error is not null || Signals.Any(s => s.Error is not null);

    public bool HasValues => Signals.Any(s => s.Error is null);
}

/// <summary>
/// Picks the signals for a file from its detected kind and computes them. The digests stream the file once
/// (any size); PDQ and PDF text read the file whole, within <see cref="DecodeLimits.MaxBytes"/>.
/// </summary>
internal static class FileSignals
{
    internal static readonly HashSet<string> PhotoExtensions =
        new([".jpg", ".jpeg", ".jpe", ".png", ".gif", ".bmp", ".webp", ".ico", ".wbmp"], StringComparer.OrdinalIgnoreCase);

    internal static readonly HashSet<string> VideoExtensions =
        new([".mp4", ".m4v", ".mov", ".qt", ".3gp", ".3g2", ".webm", ".mkv", ".avi", ".flv", ".wmv", ".asf", ".mpg", ".mpeg", ".ts", ".m2ts", ".ogv"],
            StringComparer.OrdinalIgnoreCase);

    internal static readonly HashSet<string> PdfExtensions = new([".pdf"], StringComparer.OrdinalIgnoreCase);

    internal static readonly HashSet<string> TextExtensions = new([".txt", ".text"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The signals a file of this kind gets when --signal is not given: photos get PDQ alone, so the output stays the reference hasher's.</summary>
    public static IReadOnlyList<SignalType> Defaults(FileKind kind, bool videoHasher) =>
        FileSignalChoice.Defaults(kind, videoHasher, photoPdqOnly: true);

    /// <summary>Every signal some kind gets by default, in output order: the columns of CSV output.</summary>
    public static IReadOnlyList<SignalType> AllDefaults(bool videoHasher) => FileSignalChoice.AllDefaults(videoHasher, photoPdqOnly: true);

    /// <summary>Which files inside folders are taken: those whose extension suits a requested signal.</summary>
    public static Func<string, bool> FolderFilter(IReadOnlyList<SignalType>? signals, bool allFiles)
    {
        if (allFiles)
            return _ => true;
        var extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (signals is null)
        {
            // Each kind's defaults: photos, videos and PDFs (text files only when named, or with --all-files).
            extensions.UnionWith(PhotoExtensions);
            extensions.UnionWith(VideoExtensions);
            extensions.UnionWith(PdfExtensions);
        }
        foreach (var signal in signals ?? [])
        {
            switch (signal)
            {
                case SignalType.Pdq:
                    extensions.UnionWith(PhotoExtensions);
                    break;
                case SignalType.Vpdq:
                    extensions.UnionWith(VideoExtensions);
                    break;
                case SignalType.Text:
                    extensions.UnionWith(PdfExtensions);
                    extensions.UnionWith(TextExtensions);
                    break;
                default:
                    extensions.UnionWith(PhotoExtensions);
                    extensions.UnionWith(VideoExtensions);
                    extensions.UnionWith(PdfExtensions);
                    break;
            }
        }
        return path => extensions.Contains(Path.GetExtension(path));
    }

    public static FileOutcome Compute(InputFile file, HashOptions options)
    {
        DetectedKind kind;
        try
        {
            kind = ContentSniffer.DetectFile(file.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileOutcome(new DetectedKind(FileKind.Other, "unknown"), [], ex.Message);
        }
        // No signal of an empty file means anything: its digests would match every other empty file.
        if (kind.Format == "empty")
            return new FileOutcome(kind, [], "empty file");

        // Asked-for signals that do not fit the file's kind are skipped; a file that fits none of them is an error.
        var signals = FileSignalChoice.Choose(kind.Kind, options.Signals, options.Vpdq is not null, photoPdqOnly: true);
        FileDigests? digests = null;
        string? digestError = null;
        var wanted = (signals.Contains(SignalType.Md5) ? DigestKinds.Md5 : 0) | (signals.Contains(SignalType.Sha256) ? DigestKinds.Sha256 : 0);
        if (wanted != DigestKinds.None)
        {
            try
            {
                digests = FileDigester.ComputeFile(file.Path, wanted);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                digestError = ex.Message;
            }
        }

        var outcomes = new List<SignalOutcome>(signals.Count);
        foreach (var signal in signals)
        {
            outcomes.Add(signal switch
            {
                SignalType.Pdq => Pdq(file, kind, options),
                SignalType.Vpdq => Vpdq(file, kind, options),
                SignalType.Md5 => digests?.Md5 is { } md5 ? new SignalOutcome(signal, md5, null) : SignalOutcome.Failed(signal, digestError!),
                SignalType.Sha256 => digests?.Sha256 is { } sha ? new SignalOutcome(signal, sha, null) : SignalOutcome.Failed(signal, digestError!),
                SignalType.Text => Text(file, kind, options),
                _ => SignalOutcome.Failed(signal, $"{signal.Name()} is not a signal of files"),
            });
        }
        return new FileOutcome(kind, outcomes, null);
    }

    /// <summary>"a photo (jpeg)", "a PDF", ...: how errors name what a file turned out to be.</summary>
    public static string Describe(DetectedKind kind) => kind.Kind switch
    {
        FileKind.Photo => $"a photo ({kind.Format})",
        FileKind.Video => $"a video ({kind.Format})",
        FileKind.Pdf => "a PDF",
        FileKind.Text => "a text file",
        _ => kind.Format == "empty" ? "an empty file" : "not a photo, video, PDF or text file",
    };

    private static SignalOutcome Pdq(InputFile file, DetectedKind kind, HashOptions options)
    {
        if (kind.Kind != FileKind.Photo)
            return SignalOutcome.Failed(SignalType.Pdq, $"PDQ needs a photo, and this is {Describe(kind)}");
        try
        {
            using var bytes = FileBytes.Read(file.Path, options.Limits.MaxBytes);
            using var image = ImageDecoder.Default.Decode(bytes.Span, options.Limits);
            if (options.Dihedral)
            {
                var dihedral = PdqHasher.HashDihedral(image.Raster);
                return new SignalOutcome(SignalType.Pdq, dihedral.Hashes.Original.ToString(), null, Dihedral: dihedral);
            }
            var result = PdqHasher.Hash(image.Raster);
            return new SignalOutcome(SignalType.Pdq, result.Hash.ToString(), null, Pdq: result);
        }
        catch (Exception ex) when (ex is ImageDecodeException or InputException)
        {
            return SignalOutcome.Failed(SignalType.Pdq, ex.Message);
        }
    }

    private static SignalOutcome Vpdq(InputFile file, DetectedKind kind, HashOptions options)
    {
        if (options.Vpdq is null)
            return SignalOutcome.Failed(SignalType.Vpdq, VideoSignals.Unavailable);
        if (kind.Kind != FileKind.Video)
            return SignalOutcome.Failed(SignalType.Vpdq, $"vPDQ needs a video, and this is {Describe(kind)}");
        try
        {
            return new SignalOutcome(SignalType.Vpdq, options.Vpdq(file.Path, options.Threads).Value, null);
        }
        catch (InputException ex)
        {
            return SignalOutcome.Failed(SignalType.Vpdq, ex.Message);
        }
    }

    private static SignalOutcome Text(InputFile file, DetectedKind kind, HashOptions options)
    {
        try
        {
            return kind.Kind switch
            {
                FileKind.Pdf => new SignalOutcome(SignalType.Text, PdfText.DigestFile(file.Path, options.TextLimits).Value, null),
                FileKind.Text => new SignalOutcome(SignalType.Text, TextDigester.DigestFile(file.Path, options.TextLimits).Value, null),
                _ => SignalOutcome.Failed(SignalType.Text, $"the text digest needs a text file or a PDF, and this is {Describe(kind)}"),
            };
        }
        catch (Exception ex) when (ex is PdfTextException or TextDigestException or IOException or UnauthorizedAccessException)
        {
            return SignalOutcome.Failed(SignalType.Text, ex.Message);
        }
    }
}
