namespace Turntide.Server.Features.Matching;

/// <summary>Exact lookups (MD5, SHA-256, later canonical URLs): a dictionary from value to the ids holding it.</summary>
internal sealed class ExactSignalIndex(string signalType) : ISignalIndex
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, List<long>> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _byId = [];

    public string SignalType { get; } = signalType;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _byId.Count; } finally { _lock.ExitReadLock(); }
        }
    }

    public void Add(long signalId, string value)
    {
        _lock.EnterWriteLock();
        try
        {
            RemoveLocked(signalId);
            _byId[signalId] = value;
            if (!_byValue.TryGetValue(value, out var ids))
                _byValue[value] = ids = [];
            ids.Add(signalId);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Remove(long signalId)
    {
        _lock.EnterWriteLock();
        try { RemoveLocked(signalId); } finally { _lock.ExitWriteLock(); }
    }

    public void Query(string value, int maxDistance, List<IndexHit> hits)
    {
        _lock.EnterReadLock();
        try
        {
            if (_byValue.TryGetValue(value, out var ids))
            {
                foreach (var id in ids)
                    hits.Add(new IndexHit(id, 0));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void RemoveLocked(long signalId)
    {
        if (!_byId.Remove(signalId, out var value))
            return;
        var ids = _byValue[value];
        ids.Remove(signalId);
        if (ids.Count == 0)
            _byValue.Remove(value);
    }
}
