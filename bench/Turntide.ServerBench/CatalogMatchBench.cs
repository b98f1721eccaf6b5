using System.Diagnostics;
using Turntide.Core.Index;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

/// <summary>
/// catalog-match [--items N] [--queries Q]: SignalCatalog.Match per query, in memory, for the viewers matching now
/// tells apart: the system's view of every bank, a member's view of shared banks (the common path), and private
/// banks seen by a named member or hidden from another. Each query is a stored hash with 4 bits flipped.
/// </summary>
internal static class CatalogMatchBench
{
    public static int Run(string[] args)
    {
        int items = Arg(args, "--items", 200_000);
        int queries = Arg(args, "--queries", 200_000);
        var random = new Random(20261130);
        var owner = Guid.NewGuid();
        var member = Guid.NewGuid();
        var outsider = Guid.NewGuid();
        var shared = new CatalogBank(Guid.NewGuid(), "SHARED", true);
        var closed = new CatalogBank(Guid.NewGuid(), "CLOSED", true, Private: true, Owner: owner, Members: [member]);
        var hashes = new Hash256[items];
        var contents = new List<CatalogContent>(items);
        for (int i = 0; i < items; i++)
        {
            hashes[i] = new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
            // Every tenth item in the private bank.
            contents.Add(new CatalogContent(Guid.NewGuid(), i % 10 == 0 ? closed.Id : shared.Id, ContentStatus.Enabled, ["l"],
                [(i + 1, SignalTypes.PdqName, hashes[i].ToString())]));
        }
        var catalog = new SignalCatalog();
        catalog.Load([shared, closed], contents, items, items);

        string[] Queries(Func<int, bool> pick)
        {
            var chosen = Enumerable.Range(0, items).Where(pick).ToArray();
            return [.. Enumerable.Range(0, queries).Select(_ => SyntheticHashes.FlipBits(hashes[chosen[random.Next(chosen.Length)]], 4, random).ToString())];
        }
        var toShared = Queries(i => i % 10 != 0);
        var toPrivate = Queries(i => i % 10 == 0);
        Console.WriteLine($"SignalCatalog.Match, {items} pdq items (a tenth in a private bank), {queries} queries each, 1 thread:");
        Time("shared hits, every bank (system view)", toShared, q => catalog.Match(SignalTypes.Pdq, q, 31, 100));
        Time("shared hits, a member's view", toShared, q => catalog.Match(SignalTypes.Pdq, q, 31, 100, CatalogViewer.For(outsider)));
        Time("private hits, a named member", toPrivate, q => catalog.Match(SignalTypes.Pdq, q, 31, 100, CatalogViewer.For(member)));
        Time("private hits, a member not named", toPrivate, q => catalog.Match(SignalTypes.Pdq, q, 31, 100, CatalogViewer.For(outsider)));
        return 0;
    }

    private static void Time(string what, string[] queries, Func<string, IReadOnlyList<MatchDto>> match)
    {
        // Warm-up on a tenth, then three timed rounds; the best round is reported (the machine is shared).
        foreach (var q in queries.Take(queries.Length / 10))
            match(q);
        double best = double.MaxValue;
        long found = 0;
        for (int round = 0; round < 3; round++)
        {
            found = 0;
            var clock = Stopwatch.StartNew();
            foreach (var q in queries)
                found += match(q).Count;
            best = Math.Min(best, clock.Elapsed.TotalNanoseconds / queries.Length);
        }
        Console.WriteLine($"  {what,-40} {best / 1000,7:F2} us/query  ({(double)found / queries.Length:F2} matches/query)");
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
    }
}
