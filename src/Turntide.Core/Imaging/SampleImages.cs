using SkiaSharp;

namespace Turntide.Core.Imaging;

/// <summary>
/// Deterministic synthetic pictures (gradients, shapes, strokes) for demo data and benchmarks, so that no
/// real content is ever needed to try Turntide. The same seed always draws the same picture.
/// </summary>
public static class SampleImages
{
    public static SKBitmap Draw(int seed, int width, int height)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using (var background = new SKPaint())
        {
            background.Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(width, height),
                [RandomColor(random), RandomColor(random), RandomColor(random)], null, SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, background);
        }
        using var paint = new SKPaint { IsAntialias = true };
        int shapes = 12 + random.Next(20);
        for (int i = 0; i < shapes; i++)
        {
            paint.Color = RandomColor(random).WithAlpha((byte)random.Next(120, 256));
            paint.Style = random.Next(3) == 0 ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            paint.StrokeWidth = 2 + random.Next(16);
            float x = random.Next(width), y = random.Next(height);
            float size = (float)(Math.Min(width, height) * (0.05 + random.NextDouble() * 0.35));
            switch (random.Next(3))
            {
                case 0: canvas.DrawCircle(x, y, size / 2, paint); break;
                case 1: canvas.DrawRect(x - size / 2, y - size / 3, size, size * 2 / 3, paint); break;
                default: canvas.DrawLine(x, y, random.Next(width), random.Next(height), paint); break;
            }
        }
        return bitmap;
    }

    /// <summary>Encodes <see cref="Draw"/>'s picture as JPEG (quality 90) or PNG, by the file extension.</summary>
    public static void Write(string path, int seed, int width, int height)
    {
        using var bitmap = Draw(seed, width, height);
        var format = Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase)
            ? SKEncodedImageFormat.Png
            : SKEncodedImageFormat.Jpeg;
        using var data = bitmap.Encode(format, 90);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static SKColor RandomColor(Random random) =>
        new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
