using System.CommandLine;
using Turntide.Core.Imaging;
using Turntide.Server.Demo;

namespace Turntide.Cli.Hashing;

/// <summary><c>turntide sample-images</c>: synthetic JPEGs for demos and benchmarks.</summary>
internal static class SampleImagesCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write into (created if missing).", Required = true };
        var count = new Option<int>("--count") { Description = "How many images.", DefaultValueFactory = _ => 20 };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => 1024 };
        var height = new Option<int>("--height") { DefaultValueFactory = _ => 768 };
        var seed = new Option<int>("--seed") { Description = "The first image's seed; image i uses seed + i.", DefaultValueFactory = _ => 1 };
        var demo = new Option<bool>("--demo")
        {
            Description = "Write the demo banks' pictures instead (--count, --seed and the size are then ignored): uploads of them match the demo world of `turntide serve --demo`.",
        };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--count must be between 1 and 100000."); });
        width.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 8192) r.AddError("--width must be between 1 and 8192."); });
        height.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 8192) r.AddError("--height must be between 1 and 8192."); });

        var command = new Command("sample-images", "Write synthetic JPEG pictures (deterministic by seed) for demos and benchmarks.")
        {
            output, count, width, height, seed, demo,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            if (parse.GetValue(demo))
            {
                foreach (var (bank, _, firstSeed, labels) in DemoData.Banks)
                {
                    for (int s = firstSeed; s < firstSeed + DemoData.ImagesPerBank; s++)
                        SampleImages.Write(Path.Combine(folder, DemoData.PictureFileName(bank, s)), s, DemoData.PictureWidth, DemoData.PictureHeight);
                    Console.Error.WriteLine($"wrote {DemoData.ImagesPerBank} pictures that match {bank} ({string.Join(", ", labels)})");
                }
                Console.Error.WriteLine($"in {folder}");
                return 0;
            }
            int n = parse.GetValue(count), first = parse.GetValue(seed), w = parse.GetValue(width), h = parse.GetValue(height);
            Parallel.For(0, n, i => SampleImages.Write(Path.Combine(folder, $"sample-{first + i:D6}.jpg"), first + i, w, h));
            Console.Error.WriteLine($"wrote {n} images of {w}x{h} to {folder}");
            return 0;
        });
        return command;
    }
}
