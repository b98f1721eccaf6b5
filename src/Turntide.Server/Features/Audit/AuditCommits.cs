namespace Turntide.Server.Features.Audit;

/// <summary>
/// Tells in-process listeners (the exchange's push stream, the matching catalog's applier) that audited changes committed, right after the commit, so
/// they need not wait for their next look at the database. Listeners must be quick and must not throw.
/// </summary>
internal sealed class AuditCommits
{
    public event Action<long, IEnumerable<string>>? OnCommitted;

    /// <param name="lastSequence">The sequence of the last entry of the transaction.</param>
    /// <param name="entityTypes">The entity types of its entries.</param>
    public void Committed(long lastSequence, IEnumerable<string> entityTypes) => OnCommitted?.Invoke(lastSequence, entityTypes);
}
