using System.CommandLine;
using System.Diagnostics;
using Turntide.Core.Index;

namespace Turntide.Cli.Index;

/// <summary>
/// <c>turntide bench index</c>: builds an index over synthetic hashes in this process and measures build
/// time, memory, query latency and throughput, for near-duplicate queries (an indexed hash with 1..31 bits
/// flipped, so a match exists) and random queries (no match), printing Markdown tables.
/// </summary>
internal static class IndexBenchCommand
{
    public static Command Create()
    {
        var counts = new Option<long[]>("--count")
        {
            Description = "Index sizes to measure.",
            DefaultValueFactory = _ => [1_000_000],
            AllowMultipleArgumentsPerToken = true,
        };
        var data = new Option<string[]>("--data")
        {
            Description = "random: uniform hashes; clustered: clusters of 16 near duplicates 0..64 bits from a centre.",
            DefaultValueFactory = _ => ["random", "clustered"],
            AllowMultipleArgumentsPerToken = true,
        };
        data.AcceptOnlyFromAmong("random", "clustered");
        var distances = new Option<int[]>("--max-distance")
        {
            Description = "Query distances to measure.",
            DefaultValueFactory = _ => [31, 63],
            AllowMultipleArgumentsPerToken = true,
        };
        var queries = new Option<int>("--queries") { Description = "Queries per measurement.", DefaultValueFactory = _ => 20_000 };
        var threads = new Option<int>("--threads") { Description = "Threads for the all-core runs.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var slots = new Option<int?>("--slots") { Description = "Force the slot count (8..16) instead of choosing from the size." };
        var bucket = new Option<double>("--bucket-size") { Description = "Average postings per directory bucket.", DefaultValueFactory = _ => HashIndexOptions.Default.BucketSize };
        var plan = new Option<QueryPlan>("--plan") { Description = "Auto, MultiIndex or Scan.", DefaultValueFactory = _ => QueryPlan.Auto };
        var snapshot = new Option<string?>("--snapshot-dir") { Description = "Also time save, load and memory-mapped load of a snapshot in this folder." };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic data.", DefaultValueFactory = _ => 1 };
        counts.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long[]>()!.Any(c => c is < 1 or > 100_000_000))
                r.AddError("--count must be 1..100000000.");
        });
        distances.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int[]>()!.Any(d => d is < 0 or > Hash256.Bits))
                r.AddError($"--max-distance must be 0..{Hash256.Bits}.");
        });
        queries.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000_000)
                r.AddError("--queries must be 1..10000000.");
        });
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
                r.AddError("--threads must be 1..1024.");
        });
        slots.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } s && (s < 8 || s > 16))
                r.AddError("--slots must be 8..16.");
        });
        var command = new Command("index", "Measure the hash index on synthetic data: build, memory, latency, throughput.")
        {
            counts, data, distances, queries, threads, slots, bucket, plan, snapshot, seed,
        };
        command.SetAction(parse => Run(new Settings(parse.GetValue(counts)!, parse.GetValue(data)!, parse.GetValue(distances)!,
            parse.GetValue(queries), parse.GetValue(threads), parse.GetValue(slots), parse.GetValue(bucket), parse.GetValue(plan),
            parse.GetValue(snapshot), parse.GetValue(seed)), parse.InvocationConfiguration.Output));
        return command;
    }

    internal sealed record Settings(long[] Counts, string[] Data, int[] Distances, int Queries, int Threads, int? Slots,
        double BucketSize, QueryPlan Plan, string? SnapshotDir, int Seed);

    internal static int Run(Settings s, TextWriter output)
    {
        output.WriteLine($"# turntide bench index: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, "
            + $"AVX-512 scan {(System.Runtime.Intrinsics.X86.Avx512BW.IsSupported ? "on" : "off")}, plan {s.Plan}, {s.Queries} queries per row");
        var builds = new List<string>();
        var rows = new List<string>();
        foreach (long count in s.Counts)
        {
            foreach (string data in s.Data)
            {
                int n = (int)count;
                var hashes = data == "random" ? BenchWorkload.Random(n, s.Seed) : BenchWorkload.Clustered(n, s.Seed, clusterSize: 16, maxSpread: 64);
                var ids = new long[n];
                for (int i = 0; i < n; i++)
                    ids[i] = i + 1;
                var options = new HashIndexOptions { SlotCount = s.Slots, BucketSize = s.BucketSize };
                GC.Collect();
                var clock = Stopwatch.StartNew();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                using var index = HashIndex.Build(ids, hashes, options);
                double buildSeconds = clock.Elapsed.TotalSeconds;
                double buildCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                index.Plan = s.Plan;
                var stats = index.GetStatistics();
                string snapshotFigures = s.SnapshotDir is null ? "" : Snapshot(index, s.SnapshotDir);
                builds.Add($"| {count:N0} | {data} | {stats.SlotCount} | {buildSeconds:F2} | {buildCpu:F2} | {stats.BytesPerHash:F1} | {Environment.WorkingSet / 1e6:F0} |{snapshotFigures}");

                var near = BenchWorkload.NearDuplicateQueries(hashes, s.Queries, s.Seed + 100, maxFlips: 31);
                var random = BenchWorkload.Random(s.Queries, s.Seed + 200);
                hashes = null!;
                Warm(index, near, random, s.Distances);
                foreach (int r in s.Distances)
                {
                    foreach (var (kind, set) in new[] { ("near-duplicate", near), ("random", random) })
                        rows.Add(Measure(index, count, data, r, kind, set, s.Threads));
                }
                output.WriteLine($"measured {count:N0} {data}");
            }
        }
        output.WriteLine();
        output.WriteLine("| hashes | data | slots | build s | build CPU s | bytes/hash | process MB |" + (s.SnapshotDir is null ? "" : " save s | load s | mmap load s | file MB |"));
        output.WriteLine("|---|---|---|---|---|---|---|" + (s.SnapshotDir is null ? "" : "---|---|---|---|"));
        foreach (var b in builds)
            output.WriteLine(b);
        output.WriteLine();
        output.WriteLine($"| hashes | data | max distance | queries | 1 core q/s | 1 core q/CPU-s | p50 us | p99 us | {s.Threads} threads q/s | batch {s.Threads} threads q/s | queries matched |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            output.WriteLine(r);
        return 0;
    }

    private static void Warm(HashIndex index, Hash256[] near, Hash256[] random, int[] distances)
    {
        var sink = new List<IndexMatch>();
        foreach (int r in distances)
        {
            for (int i = 0; i < Math.Min(500, near.Length); i++)
            {
                sink.Clear();
                index.Query(near[i], r, sink);
                index.Query(random[i], r, sink);
            }
        }
    }

    private static string Measure(HashIndex index, long count, string data, int r, string kind, Hash256[] queries, int threads)
    {
        var latencies = new long[queries.Length];
        var sink = new List<IndexMatch>();
        int matched = 0;
        var clock = Stopwatch.StartNew();
        double cpu0 = ThreadCpuSeconds();
        for (int i = 0; i < queries.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sink.Clear();
            index.Query(queries[i], r, sink);
            latencies[i] = Stopwatch.GetTimestamp() - t0;
            if (sink.Count > 0)
                matched++;
        }
        double single = queries.Length / clock.Elapsed.TotalSeconds;
        double singleCpu = queries.Length / (ThreadCpuSeconds() - cpu0);
        Array.Sort(latencies);
        double ticksToMicros = 1e6 / Stopwatch.Frequency;
        double p50 = latencies[latencies.Length / 2] * ticksToMicros;
        double p99 = latencies[(int)(latencies.Length * 0.99)] * ticksToMicros;

        clock.Restart();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var local = new List<IndexMatch>();
            for (int i = t; i < queries.Length; i += threads)
            {
                local.Clear();
                index.Query(queries[i], r, local);
            }
        });
        double allCores = queries.Length / clock.Elapsed.TotalSeconds;

        clock.Restart();
        var batch = index.QueryBatch(queries, r, threads);
        double batchRate = queries.Length / clock.Elapsed.TotalSeconds;
        GC.KeepAlive(batch);
        return $"| {count:N0} | {data} | {r} | {kind} | {single:N0} | {singleCpu:N0} | {p50:F1} | {p99:F1} | {allCores:N0} | {batchRate:N0} | {100.0 * matched / queries.Length:F1}% |";
    }

    /// <summary>
    /// CPU time of the calling thread: on a machine shared with other work, queries per CPU-second show the
    /// index's own cost where wall-clock rates also show the neighbours'.
    /// </summary>
    private static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux())
            return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        var ts = new TimeSpec();
        clock_gettime(3 /* CLOCK_THREAD_CPUTIME_ID */, ref ts);
        return ts.Seconds + ts.Nanoseconds * 1e-9;
    }

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int clock_gettime(int clock, ref TimeSpec time);

    private static string Snapshot(HashIndex index, string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, $"bench-{Environment.ProcessId}.tidx");
        try
        {
            var clock = Stopwatch.StartNew();
            index.Save(path);
            double save = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (HashIndex.Load(path))
            {
            }
            double load = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (HashIndex.Load(path, new HashIndexLoadOptions { MemoryMap = true }))
            {
            }
            double mapped = clock.Elapsed.TotalSeconds;
            return $" {save:F2} | {load:F2} | {mapped:F2} | {new FileInfo(path).Length / 1e6:F0} |";
        }
        finally
        {
            File.Delete(path);
        }
    }
}
