using Turntide.Core.Index;

namespace Turntide.Server.Features.Matching;

/// <summary>
/// Brute force: every query compares with every stored hash. Correct by construction; kept as the reference
/// that <see cref="PdqHashIndex"/> (what the server uses) is tested against. Hashes sit in one contiguous array.
/// </summary>
internal sealed class LinearPdqIndex : ISignalIndex
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<long, int> _positions = [];
    private Hash256[] _hashes = new Hash256[1024];
    private long[] _ids = new long[1024];
    private int _count;

    public string SignalType => Turntide.Core.Signals.SignalTypes.PdqName;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _count; } finally { _lock.ExitReadLock(); }
        }
    }

    public void Add(long signalId, string value)
    {
        var hash = Hash256.Parse(value);
        _lock.EnterWriteLock();
        try
        {
            if (_positions.TryGetValue(signalId, out int existing))
            {
                _hashes[existing] = hash;
                return;
            }
            if (_count == _hashes.Length)
            {
                Array.Resize(ref _hashes, _count * 2);
                Array.Resize(ref _ids, _count * 2);
            }
            _hashes[_count] = hash;
            _ids[_count] = signalId;
            _positions[signalId] = _count;
            _count++;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Remove(long signalId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_positions.Remove(signalId, out int position))
                return;
            // Move the last entry into the hole so the array stays dense.
            int last = --_count;
            if (position != last)
            {
                _hashes[position] = _hashes[last];
                _ids[position] = _ids[last];
                _positions[_ids[position]] = position;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Query(string value, int maxDistance, List<IndexHit> hits)
    {
        var query = Hash256.Parse(value);
        _lock.EnterReadLock();
        try
        {
            var hashes = _hashes.AsSpan(0, _count);
            for (int i = 0; i < hashes.Length; i++)
            {
                int distance = query.DistanceTo(hashes[i]);
                if (distance <= maxDistance)
                    hits.Add(new IndexHit(_ids[i], distance));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
