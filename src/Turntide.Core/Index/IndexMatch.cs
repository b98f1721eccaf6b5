namespace Turntide.Core.Index;

/// <summary>One indexed id within the query's distance, with the Hamming distance of its nearest hash.</summary>
public readonly record struct IndexMatch(long Id, int Distance) : IComparable<IndexMatch>
{
    /// <summary>Nearest first, then by id: the order every query returns.</summary>
    public int CompareTo(IndexMatch other)
    {
        int c = Distance.CompareTo(other.Distance);
        return c != 0 ? c : Id.CompareTo(other.Id);
    }
}
