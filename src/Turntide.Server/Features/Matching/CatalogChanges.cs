namespace Turntide.Server.Features.Matching;

/// <summary>
/// The audit entries that change what the <see cref="SignalCatalog"/> holds. Every process serving matches from the
/// same database follows them, so a change committed through one replica reaches the others: an entry of type
/// <see cref="Content"/> or <see cref="Bank"/> (or <see cref="BankSharing"/>) names the row to reload; an
/// <see cref="ExchangeBatch"/> entry lists every bank and item one committed page of the hub's feed touched;
/// an <see cref="ExchangeResync"/> entry means the copy of the hub's banks was replaced and the catalog reloads.
/// </summary>
public static class CatalogChanges
{
    public const string Content = "content";
    public const string Bank = "bank";
    public const string BankSharing = "bank_sharing";
    public const string ExchangeBatch = "exchange_batch";
    public const string ExchangeResync = "exchange_resync";
}

/// <summary>The <c>After</c> snapshot of an <see cref="CatalogChanges.ExchangeBatch"/> audit entry.</summary>
public sealed record ExchangeBatchRecord(string Checkpoint, IReadOnlyList<Guid> Banks, IReadOnlyList<Guid> Contents);

/// <summary>
/// Exchange entries this process wrote and applies to its own catalog (the node's fetcher puts each page it commits
/// into the catalog itself, in bulk), so that its follower does not read the same page back from the database, nor
/// rebuild the whole catalog a second time after a resync. Other processes on the database still follow them.
/// </summary>
public sealed class OwnExchangeWrites
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _sequences = new();

    /// <summary>
    /// Held by the fetcher from its commit until its catalog update is done, and by the follower from its read of the
    /// database until its own update (or rebuild) is done. Without it the follower could put an older read of an item
    /// over the fetcher's newer one, or rebuild over it, and then skip the fetcher's entry as already applied.
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Called right after the commit, before the writer updates the catalog.</summary>
    public void Claim(long sequence)
    {
        if (sequence > 0)
            _sequences[sequence] = 0;
    }

    /// <summary>True (once) when <paramref name="sequence"/> is an entry this process applies itself.</summary>
    public bool TryTake(long sequence) => _sequences.TryRemove(sequence, out _);

    /// <summary>Forgets claims the follower has passed (a claim made after the follower already read its entry).</summary>
    public void ForgetUpTo(long sequence)
    {
        foreach (var claimed in _sequences.Keys)
        {
            if (claimed <= sequence)
                _sequences.TryRemove(claimed, out _);
        }
    }
}
