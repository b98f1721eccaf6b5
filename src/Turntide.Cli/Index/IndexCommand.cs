using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Turntide.Core.Index;

namespace Turntide.Cli.Index;

/// <summary><c>turntide index build</c>: a hash list into an index snapshot file.</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var hashFile = new Argument<string>("HASHFILE")
        {
            Description = "One hash[,id] per line: 64 hex digits, then optionally a comma and a 64-bit integer id (default: the line number).",
        };
        var output = new Option<string>("--out")
        {
            Description = "The index file to write (replaced atomically when complete).",
            Required = true,
        };
        var maxLines = MaxLinesOption();
        var build = new Command("build", "Build an index snapshot from a hash list.") { hashFile, output, maxLines };
        build.SetAction(parse => Build(parse.GetValue(hashFile)!, parse.GetValue(output)!, parse.GetValue(maxLines), parse.InvocationConfiguration.Error));
        return new Command("index", "Build and inspect Hamming-distance indexes of 256-bit hashes (PDQ).") { build };
    }

    internal static Option<long> MaxLinesOption()
    {
        var maxLines = new Option<long>("--max-lines")
        {
            Description = "Refuse a hash list with more lines than this.",
            DefaultValueFactory = _ => HashListFile.DefaultMaxLines,
        };
        maxLines.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
                r.AddError("--max-lines must be at least 1.");
        });
        return maxLines;
    }

    internal static int Build(string hashFile, string output, long maxLines, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        HashListFile.Entries entries;
        try
        {
            entries = HashListFile.ReadEntries(hashFile, maxLines);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"turntide: {Reason(hashFile, ex)}");
            return 1;
        }
        foreach (var bad in entries.Bad)
            stderr.WriteLine($"turntide: {bad}");
        double readSeconds = clock.Elapsed.TotalSeconds;
        using var index = HashIndex.Build(CollectionsMarshal.AsSpan(entries.Ids), CollectionsMarshal.AsSpan(entries.Hashes));
        double buildSeconds = clock.Elapsed.TotalSeconds - readSeconds;
        try
        {
            index.Save(output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"turntide: {output}: {ex.Message}");
            return 1;
        }
        var stats = index.GetStatistics();
        stderr.WriteLine($"turntide: indexed {stats.Count} hashes from {hashFile} into {output} "
            + $"(read {readSeconds:F1} s, build {buildSeconds:F1} s, {stats.BytesPerHash:F0} bytes per hash, {stats.SlotCount} slots)"
            + (entries.Bad.Count > 0 ? $"; {entries.Bad.Count} bad lines skipped" : ""));
        return entries.Bad.Count > 0 ? 1 : 0;
    }

    internal static string Reason(string path, Exception ex) =>
        ex is InvalidDataException || ex.Message.StartsWith(path, StringComparison.Ordinal) ? ex.Message
        : ex is FileNotFoundException or DirectoryNotFoundException ? $"{path}: no such file"
        : $"{path}: {ex.Message}";
}
