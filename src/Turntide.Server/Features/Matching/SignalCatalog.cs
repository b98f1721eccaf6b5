using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Signals;
using Turntide.Server.Features.Banks;

namespace Turntide.Server.Features.Matching;

/// <summary>What the catalog keeps about an item: enough to answer a match without touching the database.</summary>
internal sealed record CatalogContent(Guid Id, Guid BankId, ContentStatus Status, IReadOnlyList<string> Labels,
    IReadOnlyList<(long SignalId, string SignalType, string Value)> Signals);

/// <param name="Benign">A negative bank: its matches suppress every other match of the query.</param>
/// <param name="Private">Matches only for its <paramref name="Owner"/> and its named <paramref name="Members"/>.</param>
internal sealed record CatalogBank(Guid Id, string Name, bool Enabled, bool Benign = false, bool Private = false,
    Guid Owner = default, IReadOnlyList<Guid>? Members = null)
{
    /// <summary>The rule of <see cref="BankVisibility.Sees"/> (the shared test is checked first, as it is the common case).</summary>
    public bool VisibleTo(CatalogViewer viewer) =>
        !Private || viewer.Everything || BankVisibility.Sees(Owner, Private, Members, viewer.Organisation);

    /// <summary>A bank row as the catalog keeps it; <paramref name="members"/> are the organisations named on a private bank.</summary>
    public static CatalogBank From(Bank bank, IReadOnlyList<Guid>? members = null) =>
        new(bank.Id, bank.Name, bank.Enabled, bank.Benign, bank.Private, bank.OwnerOrganisationId,
            bank.Private && members is { Count: > 0 } ? [.. members.Distinct().Order()] : null);

    public bool Equals(CatalogBank? other) =>
        other is not null && Id == other.Id && Name == other.Name && Enabled == other.Enabled && Benign == other.Benign
        && Private == other.Private && Owner == other.Owner && (Members ?? []).SequenceEqual(other.Members ?? []);

    public override int GetHashCode() => HashCode.Combine(Id, Name, Enabled, Benign, Private, Owner);
}

/// <summary>
/// Who asks for matches: an organisation (private banks it is not named on stay out of its answers), or
/// <see cref="Everyone"/> for the system's own uses that see every bank.
/// </summary>
internal readonly record struct CatalogViewer(Guid? Organisation, bool Everything)
{
    public static CatalogViewer Everyone => new(null, true);

    public static CatalogViewer For(Guid? organisation) => new(organisation, false);
}

/// <summary>A match as the API returns it.</summary>
/// <param name="Distance">The Hamming distance for pdq, 0 for exact types and for vpdq (whose shares say how near it is).</param>
/// <param name="QueryMatchPercent">vpdq only: the share of the query video's frames that match a frame of the banked video.</param>
/// <param name="ComparedMatchPercent">vpdq only: the share of the banked video's frames that match a frame of the query video.</param>
internal sealed record MatchDto(string Bank, Guid BankId, Guid ContentId, IReadOnlyList<string> Labels, string SignalType, int Distance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? QueryMatchPercent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ComparedMatchPercent = null);

/// <summary>
/// The in-memory side of matching: one <see cref="ISignalIndex"/> per signal type plus what each item's
/// bank, status and labels are. Loaded once at start-up, then told of every change as it commits, so a new,
/// disabled or relabelled item takes effect on the next request.
/// <para>
/// Its writing methods are internal on purpose: only <see cref="CatalogLoader"/> (the start-up load) and
/// <see cref="CatalogApplier"/> (every change after it, in audit order) call them. A feature that changes banks or items
/// commits through the audit scope and waits with <see cref="Audit.AuditScope.WaitAppliedAsync(CancellationToken)"/>;
/// a second writer would bring back the race of docs/catalog.md.
/// </para>
/// </summary>
internal sealed class SignalCatalog
{
    /// <summary>
    /// Everything a query reads, behind one reference: a full reload builds a new one aside and swaps it in, so a
    /// query sees the old catalog or the new one, never a half-loaded mix.
    /// </summary>
    private sealed class State(Dictionary<string, ISignalIndex> indexes)
    {
        public readonly Dictionary<string, ISignalIndex> Indexes = indexes;
        public ConcurrentDictionary<Guid, CatalogContent> Contents = new();
        public ConcurrentDictionary<long, Guid> SignalOwners = new();
        public readonly ConcurrentDictionary<Guid, CatalogBank> Banks = new();
    }

    private readonly Func<IEnumerable<ISignalIndex>>? _indexFactory;
    private volatile State _state;
    // Serialises writers so an item's old signals are removed and new ones added as one step.
    private readonly Lock _writeLock = new();
    private volatile bool _ready;

    public SignalCatalog(IEnumerable<ISignalIndex>? indexes = null)
    {
        _indexFactory = indexes is null ? DefaultIndexes : null;
        _state = new State(ToDictionary(indexes ?? DefaultIndexes()));
    }

    /// <summary>A catalog that can also be rebuilt whole (<see cref="Replace"/>): each rebuild takes fresh indexes from <paramref name="indexFactory"/>.</summary>
    public SignalCatalog(Func<IEnumerable<ISignalIndex>> indexFactory)
    {
        _indexFactory = indexFactory;
        _state = new State(ToDictionary(indexFactory()));
    }

    private static Dictionary<string, ISignalIndex> ToDictionary(IEnumerable<ISignalIndex> indexes) =>
        indexes.ToDictionary(i => i.SignalType, StringComparer.Ordinal);

    /// <summary>One index per signal type, of the kind its descriptor names.</summary>
    public static IEnumerable<ISignalIndex> DefaultIndexes() =>
        SignalTypes.Descriptors.Select(d => d.Index switch
        {
            SignalIndexKind.Pdq => (ISignalIndex)new PdqHashIndex(),
            SignalIndexKind.Vpdq => new VpdqSignalIndex(),
            _ => new ExactSignalIndex(d.Name),
        }).ToList();

    /// <summary>
    /// Raised after items were added or changed (an <see cref="Upsert"/>, a whole <see cref="Replace"/>, or a bank
    /// becoming matchable), with the items as they are now. Handlers run on the writer's thread: queue work, do not do it.
    /// </summary>
    public event Action<IReadOnlyList<CatalogContent>>? ItemsChanged;

    /// <summary>True once the start-up load finished; /health/ready answers 503 until then.</summary>
    public bool IsReady => _ready;

    internal void MarkReady() => _ready = true;

    public int SignalCount => _state.Indexes.Values.Sum(i => i.Count);

    public int ContentCount => _state.Contents.Count;

    public bool TryGetContent(Guid id, out CatalogContent content) => _state.Contents.TryGetValue(id, out content!);

    public bool TryGetBank(Guid id, out CatalogBank bank) => _state.Banks.TryGetValue(id, out bank!);

    internal void SetBank(CatalogBank bank)
    {
        List<CatalogContent>? opened = null;
        lock (_writeLock)
        {
            var state = _state;
            state.Banks.TryGetValue(bank.Id, out var old);
            state.Banks[bank.Id] = bank;
            // A bank that starts matching (enabled again, or visible to more members) brings its items to those who
            // now see them; the scan over every item is rare enough (a bank's switch) to stay simple.
            if (old is not null && OpensUp(old, bank) && ItemsChanged is not null)
                opened = [.. state.Contents.Values.Where(c => c.BankId == bank.Id)];
        }
        if (opened is { Count: > 0 })
            ItemsChanged?.Invoke(opened);
    }

    /// <summary>
    /// Whether a bank's items now match for someone they did not match for before: it was enabled, stopped being
    /// negative, stopped being private, or named more members. A rename or a narrower audience changes no answer.
    /// </summary>
    private static bool OpensUp(CatalogBank old, CatalogBank now) =>
        now.Enabled && !now.Benign
        && (!old.Enabled || old.Benign || (old.Private && !now.Private)
            || (now.Private && (now.Members ?? []).Except(old.Members ?? []).Any()));

    /// <summary>Drops a bank that is gone from the database, with its items.</summary>
    internal void RemoveBank(Guid bankId)
    {
        lock (_writeLock)
        {
            var state = _state;
            state.Banks.TryRemove(bankId, out _);
            foreach (var content in state.Contents.Values.Where(c => c.BankId == bankId).ToList())
            {
                if (state.Contents.TryRemove(content.Id, out var old))
                    RemoveSignals(state, old, keep: []);
            }
        }
    }

    /// <summary>The start-up load into an empty catalog: <see cref="SetBank"/> and <see cref="Upsert"/> for each, in one pass.</summary>
    internal void Load(IEnumerable<CatalogBank> banks, IEnumerable<CatalogContent> contents, int expectedContents = 0, int expectedSignals = 0)
    {
        var state = _state;
        if (!state.Contents.IsEmpty)
        {
            // Only the applier writes after the load, and it starts once the load is done, so this is a second load
            // into a catalog in use: what is there stays (it is at least as new as the rows read), and the rest of the
            // rows join it one by one.
            foreach (var bank in banks)
                state.Banks.TryAdd(bank.Id, bank);
            foreach (var content in contents)
            {
                if (!state.Contents.ContainsKey(content.Id))
                    Upsert(content);
            }
            return;
        }
        lock (_writeLock)
            Fill(_state, banks, contents, expectedContents, expectedSignals);
    }

    /// <summary>
    /// Rebuilds the whole catalog from <paramref name="banks"/> and <paramref name="contents"/> aside, then swaps it in
    /// at once. Raises <see cref="ItemsChanged"/> with the items that are new or differ from before.
    /// </summary>
    internal void Replace(IEnumerable<CatalogBank> banks, IEnumerable<CatalogContent> contents, int expectedContents = 0, int expectedSignals = 0)
    {
        if (_indexFactory is null)
            throw new InvalidOperationException("This catalog was built on fixed index instances; a whole rebuild needs an index factory.");
        var fresh = new State(ToDictionary(_indexFactory()));
        Fill(fresh, banks, contents, expectedContents, expectedSignals);
        State old;
        lock (_writeLock)
        {
            old = _state;
            _state = fresh;
        }
        var changed = fresh.Contents.Values
            .Where(c => !old.Contents.TryGetValue(c.Id, out var before) || !SameContent(before, c)).ToList();
        RetireLater(old);
        if (changed.Count > 0)
            ItemsChanged?.Invoke(changed);
    }

    private static bool SameContent(CatalogContent a, CatalogContent b) =>
        a.BankId == b.BankId && a.Status == b.Status && a.Labels.SequenceEqual(b.Labels)
        && a.Signals.OrderBy(s => s.SignalId).SequenceEqual(b.Signals.OrderBy(s => s.SignalId));

    /// <summary>
    /// Queries take no lock, so nothing tells when the last one has left a replaced index; native memory is freed a
    /// minute later, far beyond any query's life.
    /// </summary>
    private static void RetireLater(State old)
    {
        var disposable = old.Indexes.Values.OfType<IDisposable>().ToList();
        if (disposable.Count == 0)
            return;
        _ = Task.Delay(TimeSpan.FromMinutes(1)).ContinueWith(_ =>
        {
            foreach (var d in disposable)
                d.Dispose();
        }, TaskScheduler.Default);
    }

    private static void Fill(State state, IEnumerable<CatalogBank> banks, IEnumerable<CatalogContent> contents, int expectedContents, int expectedSignals)
    {
        // Sized up front: growing a million-entry table step by step costs seconds of start-up.
        state.Contents = new ConcurrentDictionary<Guid, CatalogContent>(Environment.ProcessorCount, Math.Max(31, expectedContents));
        state.SignalOwners = new ConcurrentDictionary<long, Guid>(Environment.ProcessorCount, Math.Max(31, expectedSignals));
        foreach (var bank in banks)
            state.Banks[bank.Id] = bank;
        // Gathered per type first, so each index gets the whole load at once and can build it in bulk.
        var entries = state.Indexes.Keys.ToDictionary(t => t, _ => new List<(long, string)>(), StringComparer.Ordinal);
        foreach (var content in contents)
        {
            foreach (var (id, type, value) in content.Signals)
            {
                if (entries.TryGetValue(type, out var list))
                {
                    list.Add((id, value));
                    state.SignalOwners[id] = content.Id;
                }
            }
            state.Contents[content.Id] = content;
        }
        foreach (var (type, list) in entries)
            state.Indexes[type].Load(list);
    }

    internal void Upsert(CatalogContent content)
    {
        bool unchanged;
        lock (_writeLock)
        {
            var state = _state;
            unchanged = state.Contents.TryGetValue(content.Id, out var old) && SameContent(old, content);
            if (old is not null)
                RemoveSignals(state, old, keep: content.Signals.Select(s => s.SignalId).ToHashSet());
            foreach (var (id, type, value) in content.Signals)
            {
                if (state.Indexes.TryGetValue(type, out var index))
                {
                    index.Add(id, value);
                    state.SignalOwners[id] = content.Id;
                }
            }
            state.Contents[content.Id] = content;
        }
        // A replica re-reading a change it made itself (or one it already has) changes nothing, and says nothing.
        if (!unchanged)
            ItemsChanged?.Invoke([content]);
    }

    /// <summary>
    /// <see cref="Upsert"/> for many items at once (a node's resync from its hub): new signals go to each index in one
    /// bulk add, which for a million PDQ hashes is many times faster than adding them one by one.
    /// </summary>
    internal void UpsertMany(IEnumerable<CatalogContent> contents)
    {
        var changed = new List<CatalogContent>();
        lock (_writeLock)
        {
            var state = _state;
            var entries = state.Indexes.Keys.ToDictionary(t => t, _ => new List<(long, string)>(), StringComparer.Ordinal);
            foreach (var content in contents)
            {
                if (state.Contents.TryGetValue(content.Id, out var old))
                {
                    if (SameContent(old, content))
                        continue;
                    RemoveSignals(state, old, keep: content.Signals.Select(s => s.SignalId).ToHashSet());
                }
                foreach (var (id, type, value) in content.Signals)
                {
                    if (entries.TryGetValue(type, out var list))
                    {
                        // A kept signal is re-added too: an index treats an unchanged value as no change.
                        list.Add((id, value));
                        state.SignalOwners[id] = content.Id;
                    }
                }
                state.Contents[content.Id] = content;
                changed.Add(content);
            }
            foreach (var (type, list) in entries)
            {
                if (list.Count > 0)
                    state.Indexes[type].AddMany(list);
            }
        }
        if (changed.Count > 0)
            ItemsChanged?.Invoke(changed);
    }

    internal void Remove(Guid contentId)
    {
        lock (_writeLock)
        {
            var state = _state;
            if (state.Contents.TryRemove(contentId, out var old))
                RemoveSignals(state, old, keep: []);
        }
    }

    /// <summary>
    /// Every matchable item (enabled, in an enabled bank) with a signal within <paramref name="maxDistance"/>,
    /// one result per item at its smallest distance, nearest first, over every bank (the system's view).
    /// </summary>
    public IReadOnlyList<MatchDto> Match(SignalDescriptor type, string canonicalValue, int maxDistance, int limit) =>
        Match(type, canonicalValue, maxDistance, limit, CatalogViewer.Everyone);

    /// <summary>
    /// Every matchable item (enabled, in an enabled bank the <paramref name="viewer"/> may see) with a signal within
    /// <paramref name="maxDistance"/>, one result per item at its smallest distance, nearest first. A query that
    /// matches a matchable item of a benign (negative) bank the viewer sees matches nothing: the signal is known to be benign.
    /// A vpdq query matches by its frame shares under <paramref name="video"/> (the reference's decision when null),
    /// best shares first.
    /// </summary>
    public IReadOnlyList<MatchDto> Match(SignalDescriptor type, string canonicalValue, int maxDistance, int limit, CatalogViewer viewer,
        VpdqVideoQueryOptions? video = null)
    {
        var state = _state;
        if (!state.Indexes.TryGetValue(type.Name, out var index))
            return [];
        var hits = new List<IndexHit>();
        if (index is VpdqSignalIndex videos)
            videos.Query(canonicalValue, video ?? VpdqVideoQueryOptions.Default, hits);
        else
            index.Query(canonicalValue, type.ByDistance ? maxDistance : 0, hits);
        if (hits.Count == 0)
            return [];
        var best = new Dictionary<Guid, (CatalogContent Content, CatalogBank Bank, IndexHit Hit)>();
        foreach (var hit in hits)
        {
            if (!state.SignalOwners.TryGetValue(hit.SignalId, out var contentId)
                || !state.Contents.TryGetValue(contentId, out var content)
                || content.Status != ContentStatus.Enabled
                || !state.Banks.TryGetValue(content.BankId, out var bank)
                || !bank.Enabled
                // Private banks are few: the common path costs one flag.
                || (bank.Private && !bank.VisibleTo(viewer)))
                continue;
            if (bank.Benign)
                return [];
            if (!best.TryGetValue(contentId, out var current) || Nearer(hit, current.Hit))
                best[contentId] = (content, bank, hit);
        }
        return [.. best.Values
            .OrderBy(b => b.Hit.Distance).ThenByDescending(b => b.Hit.QueryMatchPercent).ThenByDescending(b => b.Hit.ComparedMatchPercent)
            .ThenBy(b => b.Content.Id)
            .Take(limit)
            .Select(b => new MatchDto(b.Bank.Name, b.Bank.Id, b.Content.Id, b.Content.Labels, type.Name, b.Hit.Distance,
                b.Hit.QueryMatchPercent, b.Hit.ComparedMatchPercent))];
    }

    /// <summary>An item's best hit: the smallest distance, then (two banked videos of one item) the larger shares.</summary>
    private static bool Nearer(IndexHit hit, IndexHit current) =>
        hit.Distance != current.Distance
            ? hit.Distance < current.Distance
            : (hit.QueryMatchPercent ?? 0, hit.ComparedMatchPercent ?? 0).CompareTo((current.QueryMatchPercent ?? 0, current.ComparedMatchPercent ?? 0)) > 0;

    private static void RemoveSignals(State state, CatalogContent old, HashSet<long> keep)
    {
        foreach (var (id, type, _) in old.Signals)
        {
            if (keep.Contains(id))
                continue;
            if (state.Indexes.TryGetValue(type, out var index))
                index.Remove(id);
            state.SignalOwners.TryRemove(id, out _);
        }
    }
}
