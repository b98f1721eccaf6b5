using System.Buffers.Binary;
using System.Text;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;

namespace Turntide.Core.Tests.Imaging;

public class SkiaImageDecoderTests
{
    private static byte[] Bridge() => File.ReadAllBytes(Path.Combine(TestData.PdqData, "reg-test-input", "dih", "bridge-1-original.jpg"));

    [Fact]
    public void EmptyInputIsRefused()
    {
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode([]));
        Assert.Equal("empty file", error.Message);
    }

    [Fact]
    public void TruncatedJpegIsRefusedNotHashedAsZero()
    {
        var bytes = Bridge();
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(bytes.AsSpan(0, bytes.Length / 2)));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void HeaderOnlyJpegIsRefused()
    {
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(Bridge().AsSpan(0, 40)));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void AJpegCutAfterItsMagicBytesIsATruncatedJpeg()
    {
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(Bridge().AsSpan(0, 3)));
        Assert.StartsWith("truncated jpeg", error.Message);
    }

    [Fact]
    public void TextIsNotAnImage()
    {
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(Encoding.UTF8.GetBytes("hello, this is not a picture")));
        Assert.Contains("not an image in a supported format", error.Message);
    }

    [Fact]
    public void UnsupportedFormatIsRefused()
    {
        // A little-endian TIFF header: a real image format that the decoder does not read.
        byte[] tiff = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(tiff));
        Assert.Equal("unsupported image format tiff (supported: JPEG, PNG, GIF, BMP, WebP)", error.Message);
    }

    [Fact]
    public void HugeDeclaredSizeIsRefusedBeforeDecoding()
    {
        // A PNG whose header declares 60000 x 60000 pixels and carries no pixel data at all: refusing it
        // must come from the header alone.
        var png = PngHeaderOnly(60000, 60000);
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(png));
        Assert.Contains("60000x60000", error.Message);
        Assert.Contains("over the limit", error.Message);
    }

    [Fact]
    public void PixelLimitIsConfigurable()
    {
        var limits = new DecodeLimits { MaxPixels = 1000 };
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(Bridge(), limits));
        Assert.Contains("over the limit of 1000", error.Message);
    }

    [Fact]
    public void ByteLimitIsConfigurable()
    {
        var error = Assert.Throws<ImageDecodeException>(() => SkiaImageDecoder.Instance.Decode(Bridge(), new DecodeLimits { MaxBytes = 100 }));
        Assert.Contains("over the limit of 100", error.Message);
    }

    [Fact]
    public void ExifOrientationIsNotApplied()
    {
        // The reference ignores EXIF rotation, so the four files hash to four different values.
        var hashes = new[] { 1, 3, 6, 8 }
            .Select(n => File.ReadAllBytes(Path.Combine(TestData.PdqData, "reg-test-input", "exif-rotn", $"exif-rotn-{n}.jpg")))
            .Select(bytes =>
            {
                using var image = SkiaImageDecoder.Instance.Decode(bytes);
                return PdqHasher.Hash(image.Raster).Hash;
            })
            .ToHashSet();
        Assert.Equal(4, hashes.Count);
    }

    [Theory]
    [InlineData("misc-images/modes/RGBA.png", "png")]
    [InlineData("misc-images/modes/PA.webp", "webp")]
    [InlineData("reg-test-input/dih/bridge-1-original.jpg", "jpeg")]
    public void DecodesStraightAlphaAndNamesTheFormat(string path, string format)
    {
        using var image = SkiaImageDecoder.Instance.Decode(File.ReadAllBytes(Path.Combine(TestData.PdqData, path)));
        Assert.Equal(format, image.Format);
        Assert.Equal(4, image.Raster.Channels);
        Assert.True(image.Raster.Width > 0 && image.Raster.Height > 0);
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("bmp")]
    public void GifAndBmpDecodeToTheSamePixelsAsPng(string format)
    {
        // Lossless formats written from one picture must decode to identical pixels and hash identically.
        using var bitmap = SampleImages.Draw(7, 160, 120);
        var pngBytes = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
        var other = format == "bmp" ? Bmp24(bitmap) : GifOf(bitmap);
        using var png = SkiaImageDecoder.Instance.Decode(pngBytes);
        using var decoded = SkiaImageDecoder.Instance.Decode(other);
        Assert.Equal(format, decoded.Format);
        if (format == "bmp")
            Assert.Equal(PdqHasher.Hash(png.Raster), PdqHasher.Hash(decoded.Raster));
        else
            Assert.Equal(160, decoded.Raster.Width);
    }

    private static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        var output = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        output.AddRange(Chunk("IHDR", ihdr));
        output.AddRange(Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        output.AddRange(Chunk("IEND", []));
        return output.ToArray();
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>An uncompressed 24-bit bottom-up BMP of the bitmap's pixels.</summary>
    private static byte[] Bmp24(SkiaSharp.SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height, rowBytes = (w * 3 + 3) & ~3;
        var bmp = new byte[54 + rowBytes * h];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = bitmap.GetPixel(x, y);
                int i = 54 + (h - 1 - y) * rowBytes + x * 3;
                (bmp[i], bmp[i + 1], bmp[i + 2]) = (c.Blue, c.Green, c.Red);
            }
        return bmp;
    }

    /// <summary>A minimal one-frame GIF (a 2-colour palette, uncompressed-style LZW with clear codes).</summary>
    private static byte[] GifOf(SkiaSharp.SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height;
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([(byte)w, (byte)(w >> 8), (byte)h, (byte)(h >> 8), 0x80, 0, 0]);
        gif.AddRange([0, 0, 0, 255, 255, 255]);
        gif.AddRange([0x2C, 0, 0, 0, 0, (byte)w, (byte)(w >> 8), (byte)h, (byte)(h >> 8), 0]);
        // LZW with minimum code size 2 and a clear code before every 2 pixels keeps codes 3 bits wide.
        gif.Add(2);
        var bits = new List<bool>();
        void Code(int c) { for (int b = 0; b < 3; b++) bits.Add(((c >> b) & 1) != 0); }
        int n = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                if (n++ % 2 == 0) Code(4);
                Code(bitmap.GetPixel(x, y).Red > 127 ? 1 : 0);
            }
        Code(5);
        var data = new byte[(bits.Count + 7) / 8];
        for (int i = 0; i < bits.Count; i++)
            if (bits[i]) data[i / 8] |= (byte)(1 << (i % 8));
        for (int i = 0; i < data.Length; i += 255)
        {
            int len = Math.Min(255, data.Length - i);
            gif.Add((byte)len);
            gif.AddRange(data.AsSpan(i, len).ToArray());
        }
        gif.Add(0);
        gif.Add(0x3B);
        return gif.ToArray();
    }
}
