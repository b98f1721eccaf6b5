using System.CommandLine;
using System.Text;
using System.Text.Json;
using Turntide.Cli.Common;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;

namespace Turntide.Cli.Hashing;

/// <summary><c>turntide hash</c>: PDQ hashes of image files, in the reference hasher's line format by default.</summary>
internal static class HashCommand
{
    internal static readonly HashSet<string> ImageExtensions =
        new([".jpg", ".jpeg", ".jpe", ".png", ".gif", ".bmp", ".webp", ".ico", ".wbmp"], StringComparer.OrdinalIgnoreCase);

    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Image files, or folders to walk recursively (inside folders only image extensions are taken).",
            Arity = ArgumentArity.OneOrMore,
        };
        var dihedral = new Option<bool>("--dihedral")
        {
            Description = "Also print the 8 dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1).",
        };
        var format = new Option<OutputFormat>("--format")
        {
            Description = "text: hash,quality,path as the reference hasher prints; csv with a header; json: one object per line.",
            DefaultValueFactory = _ => OutputFormat.Text,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Worker threads (default: all cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var maxPixels = new Option<long>("--max-pixels")
        {
            Description = "Refuse images whose header declares more pixels than this, before decoding.",
            DefaultValueFactory = _ => DecodeLimits.DefaultMaxPixels,
        };
        var maxBytes = new Option<long>("--max-bytes")
        {
            Description = "Refuse files larger than this many bytes, before reading.",
            DefaultValueFactory = _ => DecodeLimits.DefaultMaxBytes,
        };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
                r.AddError("--threads must be between 1 and 1024.");
        });
        maxPixels.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
                r.AddError("--max-pixels must be at least 1.");
        });
        maxBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() is < 1 or > int.MaxValue)
                r.AddError($"--max-bytes must be between 1 and {int.MaxValue}.");
        });

        var command = new Command("hash", "Compute PDQ hashes of images, bit-exact with Meta's reference pdq-photo-hasher.")
        {
            paths, dihedral, format, threads, maxPixels, maxBytes,
        };
        command.SetAction(parse => Run(
            parse.GetValue(paths)!,
            parse.GetValue(dihedral),
            parse.GetValue(format),
            parse.GetValue(threads),
            new DecodeLimits { MaxPixels = parse.GetValue(maxPixels), MaxBytes = parse.GetValue(maxBytes) },
            Console.Out,
            Console.Error));
        return command;
    }

    internal static int Run(string[] paths, bool dihedral, OutputFormat format, int threads, DecodeLimits limits,
        TextWriter stdout, TextWriter stderr)
    {
        var files = new List<InputFile>();
        int failures = 0;
        foreach (var (file, error) in InputFiles.Expand(paths, p => ImageExtensions.Contains(Path.GetExtension(p))))
        {
            if (file is not null)
            {
                files.Add(file);
            }
            else
            {
                stderr.WriteLine($"turntide: {error}");
                failures++;
            }
        }

        int missing = failures;
        // Console.Out flushes every line; a large buffer keeps thousands of lines a second cheap.
        TextWriter writer = ReferenceEquals(stdout, Console.Out)
            ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16)
            : stdout;
        var lineWriter = new HashLineWriter(writer, format, dihedral);
        lineWriter.WriteHeader();
        using (var progress = new ProgressBar(files.Count, "files"))
        {
            OrderedParallel.Run(files, threads, f => HashOne(f, dihedral, limits), (i, outcome) =>
            {
                if (outcome.Error is not null)
                {
                    writer.Flush();
                    stderr.WriteLine($"turntide: {files[i].DisplayPath}: {outcome.Error}");
                    failures++;
                }
                else
                {
                    lineWriter.Write(files[i].DisplayPath, outcome);
                }
                progress.Report(i + 1);
            });
        }
        writer.Flush();
        if (failures > 0)
            stderr.WriteLine($"turntide: {failures} of {files.Count + missing} inputs failed");
        return failures > 0 ? 1 : 0;
    }

    internal static HashOutcome HashOne(InputFile file, bool dihedral, DecodeLimits limits)
    {
        try
        {
            using var bytes = FileBytes.Read(file.Path, limits.MaxBytes);
            using var image = ImageDecoder.Default.Decode(bytes.Span, limits);
            return dihedral
                ? new HashOutcome(null, PdqHasher.HashDihedral(image.Raster), null)
                : new HashOutcome(PdqHasher.Hash(image.Raster), null, null);
        }
        catch (Exception ex) when (ex is ImageDecodeException or InputException)
        {
            return new HashOutcome(null, null, ex.Message);
        }
    }
}

internal enum OutputFormat
{
    Text,
    Csv,
    Json,
}

internal sealed record HashOutcome(PdqResult? Single, PdqDihedralResult? Dihedral, string? Error);

/// <summary>Writes one hash result per line in the chosen format.</summary>
internal sealed class HashLineWriter(TextWriter writer, OutputFormat format, bool dihedral)
{
    public void WriteHeader()
    {
        if (format != OutputFormat.Csv)
            return;
        writer.WriteLine(dihedral
            ? "path," + string.Join(',', PdqDihedralHashes.Names) + ",quality"
            : "path,pdq,quality");
    }

    public void Write(string path, HashOutcome outcome)
    {
        switch (format)
        {
            case OutputFormat.Text when dihedral:
                // The reference's --pdqdih-across: the 8 hashes, then quality, then path.
                writer.WriteLine($"{string.Join(',', outcome.Dihedral!.Hashes.All)},{outcome.Dihedral.Quality},{path}");
                break;
            case OutputFormat.Text:
                writer.WriteLine($"{outcome.Single!.Value.Hash},{outcome.Single.Value.Quality},{path}");
                break;
            case OutputFormat.Csv when dihedral:
                writer.WriteLine($"{Csv(path)},{string.Join(',', outcome.Dihedral!.Hashes.All)},{outcome.Dihedral.Quality}");
                break;
            case OutputFormat.Csv:
                writer.WriteLine($"{Csv(path)},{outcome.Single!.Value.Hash},{outcome.Single.Value.Quality}");
                break;
            case OutputFormat.Json:
                writer.WriteLine(Json(path, outcome));
                break;
        }
    }

    private string Json(string path, HashOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            if (dihedral)
            {
                json.WriteString("pdq", outcome.Dihedral!.Hashes.Original.ToString());
                json.WriteNumber("quality", outcome.Dihedral.Quality);
                json.WriteStartObject("dihedral");
                var all = outcome.Dihedral.Hashes.All;
                for (int i = 0; i < all.Count; i++)
                    json.WriteString(PdqDihedralHashes.Names[i], all[i].ToString());
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("pdq", outcome.Single!.Value.Hash.ToString());
                json.WriteNumber("quality", outcome.Single.Value.Quality);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
