using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Turntide.Core.Index;

namespace Turntide.Cli.Index;

/// <summary><c>turntide match</c>: every indexed id within the distance of each query hash.</summary>
internal static class MatchCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index")
        {
            Description = "An index snapshot written by 'turntide index build' (a plain hash[,id] list given here is indexed on the fly).",
        };
        var hashes = new Option<string>("--hashes") { Description = "A hash[,id] list to index on the fly, instead of --index." };
        var queries = new Option<string>("--queries")
        {
            Description = "The query hashes, one per line (anything after a comma is ignored, so 'turntide hash' output works).",
            Required = true,
        };
        var maxDistance = new Option<int>("--max-distance")
        {
            Description = "Largest Hamming distance that matches, 0..256 (PDQ's recommended threshold is 31).",
            DefaultValueFactory = _ => 31,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Query threads (default: all cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var map = new Option<bool>("--mmap") { Description = "Memory-map the index file instead of reading it into memory." };
        var maxLines = IndexCommand.MaxLinesOption();
        maxDistance.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > Hash256.Bits)
                r.AddError($"--max-distance must be between 0 and {Hash256.Bits}.");
        });
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
                r.AddError("--threads must be between 1 and 1024.");
        });
        var command = new Command("match", "Print every indexed hash within a Hamming distance of each query: queryhash,id,distance per line.")
        {
            index, hashes, queries, maxDistance, threads, map, maxLines,
        };
        command.Validators.Add(r =>
        {
            bool hasIndex = r.GetResult(index) is not null, hasHashes = r.GetResult(hashes) is not null;
            if (hasIndex == hasHashes)
                r.AddError("Give exactly one of --index FILE or --hashes FILE.");
        });
        command.SetAction(parse => Run(parse.GetValue(index), parse.GetValue(hashes), parse.GetValue(queries)!, parse.GetValue(maxDistance),
            parse.GetValue(threads), parse.GetValue(map), parse.GetValue(maxLines), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string? indexFile, string? hashFile, string queryFile, int maxDistance, int threads, bool map, long maxLines,
        TextWriter stdout, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        int bad = 0;
        HashIndex index;
        string source = indexFile ?? hashFile!;
        try
        {
            if (indexFile is not null && (!File.Exists(indexFile) || HashIndexFile.HasMagic(indexFile)))
            {
                index = HashIndex.Load(indexFile, new HashIndexLoadOptions { MemoryMap = map });
            }
            else
            {
                // A plain hash list (given with --hashes, or with --index) is indexed on the fly.
                var entries = HashListFile.ReadEntries(source, maxLines);
                if (entries.Ids.Count == 0 && entries.Bad.Count > 0)
                {
                    stderr.WriteLine($"turntide: {source}: neither a Turntide hash index nor a hash list (line {entries.Bad[0].Line}: {entries.Bad[0].Reason})");
                    return 1;
                }
                foreach (var line in entries.Bad)
                    stderr.WriteLine($"turntide: {line}");
                bad += entries.Bad.Count;
                index = HashIndex.Build(CollectionsMarshal.AsSpan(entries.Ids), CollectionsMarshal.AsSpan(entries.Hashes));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"turntide: {IndexCommand.Reason(source, ex)}");
            return 1;
        }
        using (index)
        {
            double loadSeconds = clock.Elapsed.TotalSeconds;
            List<HashListFile.Query> queries;
            try
            {
                (queries, var badQueries) = HashListFile.ReadQueries(queryFile, maxLines);
                foreach (var line in badQueries)
                    stderr.WriteLine($"turntide: {line}");
                bad += badQueries.Count;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                stderr.WriteLine($"turntide: {IndexCommand.Reason(queryFile, ex)}");
                return 1;
            }

            TextWriter writer = ReferenceEquals(stdout, Console.Out)
                ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16)
                : stdout;
            var queryClock = Stopwatch.StartNew();
            long matches = 0, matched = 0;
            const int batch = 4096;
            Span<char> hex = stackalloc char[Hash256.HexLength];
            for (int start = 0; start < queries.Count; start += batch)
            {
                var part = queries.GetRange(start, Math.Min(batch, queries.Count - start)).Select(q => q.Hash).ToArray();
                var results = index.QueryBatch(part, maxDistance, threads);
                for (int i = 0; i < part.Length; i++)
                {
                    if (results[i].Length > 0)
                        matched++;
                    part[i].Format(hex);
                    foreach (var m in results[i])
                    {
                        writer.Write(hex);
                        writer.Write(',');
                        writer.Write(m.Id);
                        writer.Write(',');
                        writer.WriteLine(m.Distance);
                        matches++;
                    }
                }
            }
            writer.Flush();
            double querySeconds = queryClock.Elapsed.TotalSeconds;
            stderr.WriteLine($"turntide: {queries.Count} queries against {index.Count} hashes at distance <= {maxDistance}: "
                + $"{matches} matches, {matched} queries matched; load {loadSeconds:F2} s, queries {querySeconds:F2} s"
                + (bad > 0 ? $"; {bad} bad lines skipped" : ""));
            return bad > 0 ? 1 : 0;
        }
    }
}
