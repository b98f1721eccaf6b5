using Turntide.Core.Index;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Retroactive;

/// <summary>
/// The signals of the items that just arrived, indexed so the kept signals can be scanned against them alone: PDQ in a
/// small <see cref="HashIndex"/> built in one go, MD5 and SHA-256 in a dictionary. It only proposes candidates; the
/// catalog confirms each (benign banks, status, who may see the bank).
/// </summary>
internal sealed class NewSignalIndex : IDisposable
{
    private readonly HashIndex? _pdq;
    private readonly Dictionary<long, Guid> _pdqOwners = [];
    private readonly Dictionary<(string Type, string Value), List<Guid>> _exact = [];
    private readonly List<IndexMatch> _matches = [];

    public NewSignalIndex(IEnumerable<CatalogContent> items)
    {
        var ids = new List<long>();
        var hashes = new List<Hash256>();
        foreach (var item in items)
        {
            foreach (var (id, type, value) in item.Signals)
            {
                if (type == SignalTypes.PdqName)
                {
                    if (_pdqOwners.TryAdd(id, item.Id))
                    {
                        ids.Add(id);
                        hashes.Add(Hash256.Parse(value));
                    }
                }
                else if (type is SignalTypes.Md5Name or SignalTypes.Sha256Name)
                {
                    if (!_exact.TryGetValue((type, value), out var owners))
                        _exact[(type, value)] = owners = [];
                    if (!owners.Contains(item.Id))
                        owners.Add(item.Id);
                }
            }
        }
        if (ids.Count > 0)
            _pdq = HashIndex.Build(ids.ToArray(), hashes.ToArray());
        PdqMaxDistance = SignalTypes.Find(SignalTypes.PdqName)!.DefaultMaxDistance;
    }

    public int PdqMaxDistance { get; }

    public bool HasPdq => _pdq is not null;

    /// <summary>The exact values, per type, to look the kept signals up by.</summary>
    public IEnumerable<(string Type, string Value)> ExactValues => _exact.Keys;

    /// <summary>Appends the new items a kept signal may match, each with its distance (nearest per item).</summary>
    public void Find(string signalType, string value, List<(Guid ContentId, int Distance)> found)
    {
        if (signalType == SignalTypes.PdqName)
        {
            if (_pdq is null || !Hash256.TryParse(value, out var hash))
                return;
            _matches.Clear();
            _pdq.Query(hash, PdqMaxDistance, _matches);
            int start = found.Count;
            foreach (var m in _matches)
            {
                var owner = _pdqOwners[m.Id];
                int at = found.FindIndex(start, f => f.ContentId == owner);
                if (at < 0)
                    found.Add((owner, m.Distance));
                else if (m.Distance < found[at].Distance)
                    found[at] = (owner, m.Distance);
            }
        }
        else if (_exact.TryGetValue((signalType, value), out var owners))
        {
            foreach (var owner in owners)
                found.Add((owner, 0));
        }
    }

    public void Dispose() => _pdq?.Dispose();
}
