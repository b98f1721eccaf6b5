using System.Collections.Concurrent;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Signals;

namespace Turntide.Server.Features.Matching;

/// <summary>What the catalog keeps about an item: enough to answer a match without touching the database.</summary>
public sealed record CatalogContent(Guid Id, Guid BankId, ContentStatus Status, IReadOnlyList<string> Labels,
    IReadOnlyList<(long SignalId, string SignalType, string Value)> Signals);

/// <param name="Benign">A negative bank: its matches suppress every other match of the query.</param>
public sealed record CatalogBank(Guid Id, string Name, bool Enabled, bool Benign = false);

/// <summary>A match as the API returns it.</summary>
public sealed record MatchDto(string Bank, Guid BankId, Guid ContentId, IReadOnlyList<string> Labels, string SignalType, int Distance);

/// <summary>
/// The in-memory side of matching: one <see cref="ISignalIndex"/> per signal type plus what each item's
/// bank, status and labels are. Loaded once at start-up, then told of every change as it commits, so a new,
/// disabled or relabelled item takes effect on the next request.
/// </summary>
public sealed class SignalCatalog
{
    private readonly Dictionary<string, ISignalIndex> _indexes;
    private ConcurrentDictionary<Guid, CatalogContent> _contents = new();
    private ConcurrentDictionary<long, Guid> _signalOwners = new();
    private readonly ConcurrentDictionary<Guid, CatalogBank> _banks = new();
    // Serialises writers so an item's old signals are removed and new ones added as one step.
    private readonly Lock _writeLock = new();
    private volatile bool _ready;

    public SignalCatalog(IEnumerable<ISignalIndex>? indexes = null)
    {
        _indexes = (indexes ?? DefaultIndexes()).ToDictionary(i => i.SignalType, StringComparer.Ordinal);
    }

    public static IEnumerable<ISignalIndex> DefaultIndexes() =>
    [
        new PdqHashIndex(),
        new ExactSignalIndex(SignalTypes.Md5Name),
        new ExactSignalIndex(SignalTypes.Sha256Name),
    ];

    /// <summary>True once the start-up load finished; /health/ready answers 503 until then.</summary>
    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;

    public int SignalCount => _indexes.Values.Sum(i => i.Count);

    public int ContentCount => _contents.Count;

    public void SetBank(CatalogBank bank) => _banks[bank.Id] = bank;

    /// <summary>The start-up load into an empty catalog: <see cref="SetBank"/> and <see cref="Upsert"/> for each, in one pass.</summary>
    public void Load(IEnumerable<CatalogBank> banks, IEnumerable<CatalogContent> contents, int expectedContents = 0, int expectedSignals = 0)
    {
        if (!_contents.IsEmpty)
        {
            // Writes that committed before the load finished are here already: the demo data seeded at start-up,
            // or an early request. Their entries are at least as new as the rows just read, so they stay; the rest
            // of the rows join them one by one.
            foreach (var bank in banks)
                _banks.TryAdd(bank.Id, bank);
            foreach (var content in contents)
            {
                if (!_contents.ContainsKey(content.Id))
                    Upsert(content);
            }
            return;
        }
        // Sized up front: growing a million-entry table step by step costs seconds of start-up.
        _contents = new ConcurrentDictionary<Guid, CatalogContent>(Environment.ProcessorCount, Math.Max(31, expectedContents));
        _signalOwners = new ConcurrentDictionary<long, Guid>(Environment.ProcessorCount, Math.Max(31, expectedSignals));
        foreach (var bank in banks)
            SetBank(bank);
        lock (_writeLock)
        {
            // Gathered per type first, so each index gets the whole load at once and can build it in bulk.
            var entries = _indexes.Keys.ToDictionary(t => t, _ => new List<(long, string)>(), StringComparer.Ordinal);
            foreach (var content in contents)
            {
                foreach (var (id, type, value) in content.Signals)
                {
                    if (entries.TryGetValue(type, out var list))
                    {
                        list.Add((id, value));
                        _signalOwners[id] = content.Id;
                    }
                }
                _contents[content.Id] = content;
            }
            foreach (var (type, list) in entries)
                _indexes[type].Load(list);
        }
    }

    public void Upsert(CatalogContent content)
    {
        lock (_writeLock)
        {
            if (_contents.TryGetValue(content.Id, out var old))
                RemoveSignals(old, keep: content.Signals.Select(s => s.SignalId).ToHashSet());
            foreach (var (id, type, value) in content.Signals)
            {
                if (_indexes.TryGetValue(type, out var index))
                {
                    index.Add(id, value);
                    _signalOwners[id] = content.Id;
                }
            }
            _contents[content.Id] = content;
        }
    }

    /// <summary>
    /// <see cref="Upsert"/> for many items at once (a node's resync from its hub): new signals go to each index in one
    /// bulk add, which for a million PDQ hashes is many times faster than adding them one by one.
    /// </summary>
    public void UpsertMany(IEnumerable<CatalogContent> contents)
    {
        lock (_writeLock)
        {
            var entries = _indexes.Keys.ToDictionary(t => t, _ => new List<(long, string)>(), StringComparer.Ordinal);
            foreach (var content in contents)
            {
                if (_contents.TryGetValue(content.Id, out var old))
                    RemoveSignals(old, keep: content.Signals.Select(s => s.SignalId).ToHashSet());
                foreach (var (id, type, value) in content.Signals)
                {
                    if (entries.TryGetValue(type, out var list))
                    {
                        // A kept signal is re-added too: an index treats an unchanged value as no change.
                        list.Add((id, value));
                        _signalOwners[id] = content.Id;
                    }
                }
                _contents[content.Id] = content;
            }
            foreach (var (type, list) in entries)
            {
                if (list.Count > 0)
                    _indexes[type].AddMany(list);
            }
        }
    }

    public void Remove(Guid contentId)
    {
        lock (_writeLock)
        {
            if (_contents.TryRemove(contentId, out var old))
                RemoveSignals(old, keep: []);
        }
    }

    /// <summary>
    /// Every matchable item (enabled, in an enabled bank) with a signal within <paramref name="maxDistance"/>,
    /// one result per item at its smallest distance, nearest first. A query that matches a matchable item of a benign
    /// (negative) bank matches nothing: the signal is known to be benign.
    /// </summary>
    public IReadOnlyList<MatchDto> Match(SignalType type, string canonicalValue, int maxDistance, int limit)
    {
        if (!_indexes.TryGetValue(type.Name, out var index))
            return [];
        var hits = new List<IndexHit>();
        index.Query(canonicalValue, type.ByDistance ? maxDistance : 0, hits);
        if (hits.Count == 0)
            return [];
        var best = new Dictionary<Guid, (CatalogContent Content, CatalogBank Bank, int Distance)>();
        foreach (var hit in hits)
        {
            if (!_signalOwners.TryGetValue(hit.SignalId, out var contentId)
                || !_contents.TryGetValue(contentId, out var content)
                || content.Status != ContentStatus.Enabled
                || !_banks.TryGetValue(content.BankId, out var bank)
                || !bank.Enabled)
                continue;
            if (bank.Benign)
                return [];
            if (!best.TryGetValue(contentId, out var current) || hit.Distance < current.Distance)
                best[contentId] = (content, bank, hit.Distance);
        }
        return [.. best.Values
            .OrderBy(b => b.Distance).ThenBy(b => b.Content.Id)
            .Take(limit)
            .Select(b => new MatchDto(b.Bank.Name, b.Bank.Id, b.Content.Id, b.Content.Labels, type.Name, b.Distance))];
    }

    private void RemoveSignals(CatalogContent old, HashSet<long> keep)
    {
        foreach (var (id, type, _) in old.Signals)
        {
            if (keep.Contains(id))
                continue;
            if (_indexes.TryGetValue(type, out var index))
                index.Remove(id);
            _signalOwners.TryRemove(id, out _);
        }
    }
}
