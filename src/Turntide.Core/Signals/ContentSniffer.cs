using System.Buffers.Binary;
using System.Text;

namespace Turntide.Core.Signals;

/// <summary>What a file is, as far as signals go.</summary>
public enum FileKind
{
    Photo,
    Video,
    Pdf,
    Text,

    /// <summary>Anything else (audio, archives, executables, unknown): only its exact digests apply.</summary>
    Other,
}

/// <summary>A file's kind and its format's short name ("jpeg", "mp4", "pdf", "utf-8", "unknown").</summary>
public readonly record struct DetectedKind(FileKind Kind, string Format)
{
    /// <summary>The kind's lower-case name as output prints it: photo, video, pdf, text, other.</summary>
    public string KindName => Kind.ToString().ToLowerInvariant();

    public ContentType? ContentType => Kind switch
    {
        FileKind.Photo => Signals.ContentType.Photo,
        FileKind.Video => Signals.ContentType.Video,
        FileKind.Pdf => Signals.ContentType.Pdf,
        FileKind.Text => Signals.ContentType.Text,
        _ => null,
    };
}

/// <summary>
/// Tells photos, videos, PDFs and text apart by their first bytes (magic numbers), never by the name alone, so a
/// renamed file gets the right signals. The name is consulted only for WBMP, the one supported photo format
/// without a signature.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int HeadLength = 4096;

    // ISO-BMFF brands of still images (HEIF, AVIF), as opposed to the many video brands.
    private static readonly HashSet<string> ImageBrands = ["heic", "heix", "heim", "heis", "mif1", "msf1", "avif", "avis"];
    private static readonly HashSet<string> AudioBrands = ["M4A ", "M4B ", "M4P ", "F4A ", "F4B "];

    /// <summary>The kind of a file from its first bytes.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DetectedKind DetectFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var head = new byte[HeadLength];
        int total = 0, n;
        while (total < head.Length && (n = stream.Read(head, total, head.Length - total)) > 0)
            total += n;
        return Detect(head.AsSpan(0, total), path, complete: total < HeadLength);
    }

    /// <summary>
    /// The kind of content that starts with <paramref name="head"/> (the first <see cref="HeadLength"/> bytes or the
    /// whole file). <paramref name="complete"/> says the head is the whole file, so text may not end mid-character.
    /// </summary>
    public static DetectedKind Detect(ReadOnlySpan<byte> head, string? fileName = null, bool complete = false)
    {
        if (head.IsEmpty)
            return new DetectedKind(FileKind.Other, "empty");

        // Photos.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return Photo("jpeg");
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return Photo("png");
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return Photo("gif");
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return Photo("webp");
        if (IsBmp(head))
            return Photo("bmp");
        if (head.Length >= 6 && head.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) && BinaryPrimitives.ReadUInt16LittleEndian(head[4..]) > 0)
            return Photo("ico");
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
            return Photo("tiff");

        // ISO base media (MP4, MOV, 3GP, HEIF): a box size, then "ftyp" and the major brand.
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            string brand = Encoding.ASCII.GetString(head[8..12]);
            if (ImageBrands.Contains(brand))
                return Photo(brand.StartsWith("avi", StringComparison.Ordinal) ? "avif" : "heif");
            if (AudioBrands.Contains(brand))
                return new DetectedKind(FileKind.Other, "m4a");
            return Video(brand == "qt  " ? "mov" : brand.StartsWith("3g", StringComparison.Ordinal) ? "3gp" : "mp4");
        }
        // Old QuickTime files start with a movie atom instead.
        if (head.Length >= 8 && (head[4..8].SequenceEqual("moov"u8) || head[4..8].SequenceEqual("mdat"u8) || head[4..8].SequenceEqual("wide"u8)))
            return Video("mov");
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
            return Video(head.IndexOf("webm"u8) >= 0 ? "webm" : "matroska");
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8))
            return Video("avi");
        if (head.Length >= 4 && head.StartsWith("FLV"u8) && head[3] == 1)
            return Video("flv");
        if (head.StartsWith((ReadOnlySpan<byte>)[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]))
            return Video("asf");
        if (head.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0xBA]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0xB3]))
            return Video("mpeg");
        if (head.Length > 376 && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47)
            return Video("mpegts");
        if (head.StartsWith("OggS"u8))
            return head.IndexOf("theora"u8) >= 0 ? Video("ogv") : new DetectedKind(FileKind.Other, "ogg");

        // PDF readers accept the header anywhere in the first kilobyte.
        if (head[..Math.Min(head.Length, 1024)].IndexOf("%PDF-"u8) >= 0)
            return new DetectedKind(FileKind.Pdf, "pdf");

        if (fileName is not null && Path.GetExtension(fileName).Equals(".wbmp", StringComparison.OrdinalIgnoreCase)
            && head.Length >= 2 && head[0] == 0 && head[1] == 0)
            return Photo("wbmp");

        string? encoding = TextEncoding(head, complete);
        if (encoding is not null)
            return new DetectedKind(FileKind.Text, encoding);
        return new DetectedKind(FileKind.Other, "unknown");

        static DetectedKind Photo(string format) => new(FileKind.Photo, format);
        static DetectedKind Video(string format) => new(FileKind.Video, format);
    }

    private static bool IsBmp(ReadOnlySpan<byte> head)
    {
        if (head.Length < 18 || !head.StartsWith("BM"u8))
            return false;
        uint infoSize = BinaryPrimitives.ReadUInt32LittleEndian(head[14..]);
        return infoSize is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124;
    }

    /// <summary>"utf-8", "utf-16" (with a byte-order mark) or null when the bytes are not text.</summary>
    private static string? TextEncoding(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return "utf-16";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            head = head[3..];
        // Valid UTF-8 without NUL and without control characters other than whitespace; a head cut inside a
        // multi-byte character is still text.
        var status = System.Text.Unicode.Utf8.ToUtf16(head, new char[head.Length], out int read, out _, replaceInvalidSequences: false, isFinalBlock: complete);
        if (status != System.Buffers.OperationStatus.Done && !(status == System.Buffers.OperationStatus.NeedMoreData && !complete))
            return null;
        foreach (byte b in head[..read])
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C) || b == 0x7F)
                return null;
        }
        return "utf-8";
    }
}
