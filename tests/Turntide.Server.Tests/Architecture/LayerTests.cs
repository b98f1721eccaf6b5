namespace Turntide.Server.Tests.Architecture;

/// <summary>
/// Dependencies go one way (docs/architecture.md): a part of the server may use only parts in lower layers, never a
/// peer in its own layer, unless the table orders them. The rule is checked on every type that names another, read
/// from the built assembly's IL, so a forgotten <c>using</c> cannot hide an edge.
/// </summary>
public sealed class LayerTests
{
    /// <summary>
    /// The layer table, bottom to top. A part may depend on parts with a lower rank; parts with the same rank are
    /// peers and must not depend on each other. Ranks inside a layer (11 above 10) state an order between its parts.
    /// Parts not built yet are listed so that each new feature has its place before its first line.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, int> Ranks = new Dictionary<string, int>
    {
        // What every feature uses.
        ["Common"] = 0,
        // The unit of work: its model names each feature's entities (see DataNamesEntities), nothing else of theirs.
        ["Data"] = 5,
        // Layer 1, the foundation. Hashing computes a file's signals with Core's signal model.
        ["Hashing"] = 10, ["Audit"] = 10,
        ["Members"] = 11,
        ["Taxonomy"] = 12, ["Policy"] = 13,
        // The moderation loop's stores, which Intake, Review and Appeals write through.
        ["Webhooks"] = 15, ["Statements"] = 15, ["Preservation"] = 15, ["Strikes"] = 15,
        ["Notices"] = 16,
        // Layer 2.
        ["Banks"] = 20,
        // Layer 3, work on banks. Exchange may use Opinions (a match flood quarantines through them).
        ["Matching"] = 30, ["Opinions"] = 30, ["Contributions"] = 30, ["Transfer"] = 30,
        ["Exchange"] = 31,
        // Layer 4, what a node and the authorities do over the exchange.
        ["HubSync"] = 40, ["Retroactive"] = 40, ["Sharing"] = 40,
        ["Intake"] = 40, ["Referrals"] = 40, ["RemovalOrders"] = 40, ["DataRequests"] = 40, ["Incidents"] = 40,
        // Layers 5 and 6, moderation: Intake decides and acts (its ItemActions), Review works the doubtful cases,
        // Appeals reopens a decision.
        ["Review"] = 50,
        ["Appeals"] = 80,
        // Layer 9: reports computed from every record below.
        ["Transparency"] = 85,
        // Page models and Razor views, whatever their folder.
        [TypeDependencies.Pages] = 90,
        // The host composes everything; its parts may use each other.
        ["Hosting"] = 100, ["Web"] = 100, ["Health"] = 100, ["Demo"] = 100, ["ServerApp"] = 100,
    };

    private static readonly HashSet<string> Host = ["Hosting", "Web", "Health", "Demo", "ServerApp"];

    /// <summary>
    /// The model (the DbContext and its two providers' contexts) names the entities of every feature: the one way that
    /// Data may look up.
    /// </summary>
    private static readonly HashSet<string> DataNamesEntities =
        ["Turntide.Server.Data.TurntideDb", "Turntide.Server.Data.SqliteTurntideDb", "Turntide.Server.Data.PostgresTurntideDb"];

    private static IEnumerable<TypeEdge> Checked() => TypeDependencies.Edges;

    [Fact]
    public void EveryPartOfTheServerHasAPlaceInTheLayerTable()
    {
        var unplaced = TypeDependencies.Edges.SelectMany(e => new[] { (e.FromPart, e.FromType), (e.ToPart, e.ToType) })
            .Where(p => !Ranks.ContainsKey(p.Item1)).DistinctBy(p => p.Item1)
            .Select(p => $"{p.Item1} (for example {p.Item2}): add it to LayerTests.Ranks and docs/architecture.md").ToList();
        Assert.True(unplaced.Count == 0, "Parts missing from the layer table:\n" + string.Join("\n", unplaced));
    }

    [Fact]
    public void NoPartDependsOnAPeerOrOnAPartAboveIt()
    {
        var wrong = Checked()
            .Where(e => Ranks.TryGetValue(e.FromPart, out int from) && Ranks.TryGetValue(e.ToPart, out int to) && to >= from)
            .Where(e => !(Host.Contains(e.FromPart) && Host.Contains(e.ToPart)))
            .Where(e => !DataNamesEntities.Contains(e.FromType))
            .Select(e => $"{e.FromPart} -> {e.ToPart}: {e.FromType} uses {e.ToType} ({(Ranks[e.ToPart] == Ranks[e.FromPart] ? "a peer in the same layer" : "a layer above")})")
            .ToList();
        Assert.True(wrong.Count == 0, "Dependencies against the layer table (docs/architecture.md):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void NoTwoFeaturesDependOnEachOther()
    {
        // Features and the pages only: the host composes everything and Data's model names every feature's entities.
        var edges = Checked().Where(e => !Host.Contains(e.FromPart) && !Host.Contains(e.ToPart) && e.FromPart != "Data" && e.ToPart != "Data")
            .ToList();
        var next = edges.GroupBy(e => e.FromPart).ToDictionary(g => g.Key, g => g.Select(e => e.ToPart).ToHashSet());
        var loops = new List<string>();
        foreach (var edge in edges.DistinctBy(e => (e.FromPart, e.ToPart)))
        {
            // The edge closes a loop when its target leads back to its source.
            var path = PathBetween(next, edge.ToPart, edge.FromPart);
            if (path is null)
                continue;
            var back = edges.First(e => e.FromPart == path[0] && e.ToPart == path[1]);
            loops.Add($"{edge.FromPart} and {edge.ToPart} depend on each other: {edge.FromType} uses {edge.ToType}, "
                + $"and back through {string.Join(" -> ", path)} ({back.FromType} uses {back.ToType})");
        }
        Assert.True(loops.Count == 0, "Dependency cycles between features:\n" + string.Join("\n", loops));
    }

    [Fact]
    public void TheReaderSeesReferencesInsideMethodBodies()
    {
        // The taxonomy page counts items through BankService inside an async handler: only the IL names it.
        Assert.Contains(TypeDependencies.Edges, e => e.FromPart == TypeDependencies.Pages
            && e.FromType == "Turntide.Server.Features.Taxonomy.TaxonomyModel" && e.ToType == "Turntide.Server.Features.Banks.BankService");
        // The audit log reports to the write-health tracker from inside its methods.
        Assert.Contains(TypeDependencies.Edges, e => e.FromType == "Turntide.Server.Features.Audit.AuditLog" && e.ToType == "Turntide.Server.Data.WriteHealth");
    }

    private static List<string>? PathBetween(Dictionary<string, HashSet<string>> next, string from, string to)
    {
        var before = new Dictionary<string, string>();
        var queue = new Queue<string>([from]);
        var seen = new HashSet<string> { from };
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            if (at == to)
            {
                var path = new List<string> { to };
                while (path[0] != from)
                    path.Insert(0, before[path[0]]);
                return path;
            }
            foreach (var n in next.GetValueOrDefault(at) ?? [])
                if (seen.Add(n))
                {
                    before[n] = at;
                    queue.Enqueue(n);
                }
        }
        return null;
    }
}
