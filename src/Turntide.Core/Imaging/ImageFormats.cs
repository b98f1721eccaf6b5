namespace Turntide.Core.Imaging;

/// <summary>
/// Recognises image formats by their magic bytes, so that a file that is no image at all, a truncated
/// image and an image in a format Turntide does not read each get their own message.
/// </summary>
public static class ImageFormats
{
    public readonly record struct Format(string Name, bool Supported);

    public static Format? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return new("jpeg", true);
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return new("png", true);
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return new("gif", true);
        if (b.StartsWith("BM"u8) && b.Length >= 14) return new("bmp", true);
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8)) return new("webp", true);
        if (b.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 2, 0])) return new("ico", true);
        if (b.StartsWith("II*\0"u8) || b.StartsWith("MM\0*"u8)) return new("tiff", false);
        if (b.Length >= 12 && b.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = b.Slice(8, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return new("avif", false);
            if (brand.StartsWith("hei"u8) || brand.StartsWith("mif1"u8) || brand.SequenceEqual("msf1"u8)) return new("heif", false);
        }
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L'])) return new("jxl", false);
        if (b.StartsWith("8BPS"u8)) return new("psd", false);
        return null;
    }
}
