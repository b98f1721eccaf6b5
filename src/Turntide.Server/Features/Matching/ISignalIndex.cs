namespace Turntide.Server.Features.Matching;

/// <summary>
/// A signal found by an index: its stored id and its distance to the query (0 for exact types). A vPDQ hit carries
/// the two shares of the video comparison instead (see <see cref="VpdqSignalIndex"/>).
/// </summary>
internal readonly record struct IndexHit(long SignalId, int Distance, double? QueryMatchPercent = null, double? ComparedMatchPercent = null);

/// <summary>
/// The seam for in-memory signal indexes: one per signal type. Implementations must be safe for many concurrent
/// queries alongside occasional writes. Values are canonical text (see Core's SignalValue).
/// </summary>
internal interface ISignalIndex
{
    string SignalType { get; }

    int Count { get; }

    /// <summary>
    /// The start-up load into an empty index, all at once so an index can build in bulk; the same as
    /// <see cref="Add"/> for each entry in turn.
    /// </summary>
    void Load(IReadOnlyList<(long SignalId, string Value)> entries)
    {
        foreach (var (id, value) in entries)
            Add(id, value);
    }

    /// <summary>Adds or replaces the signal with this id.</summary>
    void Add(long signalId, string value);

    /// <summary>Many adds at once (a resync from the hub); an index may build them in bulk.</summary>
    void AddMany(IReadOnlyList<(long SignalId, string Value)> entries)
    {
        foreach (var (id, value) in entries)
            Add(id, value);
    }

    void Remove(long signalId);

    /// <summary>Appends every signal within <paramref name="maxDistance"/> of <paramref name="value"/> to <paramref name="hits"/>.</summary>
    void Query(string value, int maxDistance, List<IndexHit> hits);
}
