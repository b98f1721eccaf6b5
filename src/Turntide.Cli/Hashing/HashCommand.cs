using System.CommandLine;
using System.Text;
using Turntide.Cli.Common;
using Turntide.Core.Imaging;
using Turntide.Core.Signals;

namespace Turntide.Cli.Hashing;

/// <summary>
/// <c>turntide hash</c>: the signals of files, chosen by what each file is (its first bytes, not its name).
/// Photos get PDQ in the reference hasher's line format, bit-exact with Meta's pdq-photo-hasher; videos, PDFs,
/// text and other files get their digests (see <see cref="FileSignals.Defaults"/>); --signal chooses.
/// </summary>
internal static class HashCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Files, or folders to walk recursively (inside folders only photo, video and PDF extensions are taken, unless --all-files).",
            Arity = ArgumentArity.OneOrMore,
        };
        var signal = new Option<string[]>("--signal")
        {
            Description = "Signals to compute: pdq, vpdq, md5, sha256, text (repeat or separate with commas). Default: by kind; "
                + "photo: pdq; video: md5, sha256; PDF and text: md5, sha256, text; other: md5, sha256.",
            AllowMultipleArgumentsPerToken = false,
        };
        var allFiles = new Option<bool>("--all-files")
        {
            Description = "Inside folders, take every file (its kind still comes from its content).",
        };
        var dihedral = new Option<bool>("--dihedral")
        {
            Description = "With PDQ, print the 8 dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1).",
        };
        var format = new Option<OutputFormat>("--format")
        {
            Description = "text: hash,quality,path for photos as the reference hasher prints, signal,value,path for other signals; "
                + "csv: a header and one row per file; json: one object per file and line.",
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
            Description = "Refuse photos, PDFs and text files larger than this many bytes, before reading (digests stream files of any size).",
            DefaultValueFactory = _ => DecodeLimits.DefaultMaxBytes,
        };
        paths.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (token.Value.Length > 1 && token.Value.StartsWith('-'))
                    r.AddError($"unknown option {token.Value} (to name a file that starts with '-', write ./{token.Value})");
            }
        });
        signal.Validators.Add(r =>
        {
            foreach (var name in SplitSignals(r.GetValueOrDefault<string[]>() ?? []))
            {
                if (!SignalTypes.TryParse(name, out var type))
                    r.AddError($"--signal {name}: expected pdq, vpdq, md5, sha256 or text.");
                else if (type == SignalType.Url)
                    r.AddError("--signal url: links are not files; use 'turntide url canonicalize'.");
            }
        });
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

        var command = new Command("hash", "Compute the signals of files: PDQ of photos (bit-exact with Meta's reference pdq-photo-hasher), "
            + "MD5 and SHA-256 of any file, the text digest of PDFs and text files.")
        {
            paths, signal, allFiles, dihedral, format, threads, maxPixels, maxBytes,
        };
        command.SetAction(parse =>
        {
            var names = SplitSignals(parse.GetValue(signal) ?? []);
            var options = new HashOptions
            {
                Signals = names.Count == 0 ? null : names.Select(SignalTypes.Parse).Distinct().ToList(),
                Dihedral = parse.GetValue(dihedral),
                Limits = new DecodeLimits { MaxPixels = parse.GetValue(maxPixels), MaxBytes = parse.GetValue(maxBytes) },
                Threads = parse.GetValue(threads),
            };
            return Run(parse.GetValue(paths)!, options, parse.GetValue(allFiles), parse.GetValue(format), parse.GetValue(threads),
                Console.Out, Console.Error);
        });
        return command;
    }

    private static List<string> SplitSignals(string[] values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    /// <returns>0 when every input gave its signals, 1 when any failed, 2 when the request cannot be served.</returns>
    internal static int Run(string[] paths, HashOptions options, bool allFiles, OutputFormat format, int threads,
        TextWriter stdout, TextWriter stderr)
    {
        if (options.Signals?.Contains(SignalType.Vpdq) == true && options.Vpdq is null)
        {
            stderr.WriteLine($"turntide: --signal vpdq: {VideoSignals.Unavailable}");
            return 2;
        }

        var files = new List<InputFile>();
        int failures = 0;
        foreach (var (file, error) in InputFiles.Expand(paths, FileSignals.FolderFilter(options.Signals, allFiles)))
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
        var columns = options.Signals?.Order().ToList() ?? FileSignals.AllDefaults(options.Vpdq is not null);
        var lineWriter = new SignalLineWriter(writer, format, options.Dihedral, columns);
        lineWriter.WriteHeader();
        bool videoNoted = false;
        // Files are hashed in parallel; a video's own frames would share the threads.
        var perFile = options with { Threads = Math.Max(1, threads / Math.Clamp(files.Count, 1, threads)) };
        using (var progress = new ProgressBar(files.Count, "files"))
        {
            OrderedParallel.Run(files, threads, f => FileSignals.Compute(f, perFile), (i, outcome) =>
            {
                string path = files[i].DisplayPath;
                lineWriter.Write(path, outcome);
                if (outcome.HasErrors)
                {
                    writer.Flush();
                    if (outcome.Error is not null)
                        stderr.WriteLine($"turntide: {path}: {outcome.Error}");
                    foreach (var failed in outcome.Signals.Where(s => s.Error is not null))
                        stderr.WriteLine($"turntide: {path}: {failed.Type.Name()}: {failed.Error}");
                    failures++;
                }
                if (!videoNoted && options.Signals is null && options.Vpdq is null && outcome.Kind.Kind == FileKind.Video)
                {
                    videoNoted = true;
                    writer.Flush();
                    stderr.WriteLine($"turntide: note: {path} is a video; {VideoSignals.Unavailable}, so videos get their MD5 and SHA-256 only");
                }
                progress.Report(i + 1);
            });
        }
        writer.Flush();
        if (failures > 0)
            stderr.WriteLine($"turntide: {failures} of {files.Count + missing} inputs failed");
        return failures > 0 ? 1 : 0;
    }
}
