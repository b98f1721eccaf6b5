namespace Turntide.Server.Features.Matching;

/// <summary>
/// The audit entries that change what the <see cref="SignalCatalog"/> holds. Every process serving matches from the
/// same database applies them through its <see cref="CatalogApplier"/>, its own commits and every other replica's alike:
/// an entry of type
/// <see cref="Content"/> or <see cref="Bank"/> (or <see cref="BankSharing"/>) names the row to reload; an
/// <see cref="ExchangeBatch"/> entry lists every bank and item one committed page of the hub's feed touched;
/// an <see cref="ExchangeResync"/> entry means the copy of the hub's banks was replaced and the catalog reloads.
/// </summary>
internal static class CatalogChanges
{
    public const string Content = "content";
    public const string Bank = "bank";
    public const string BankSharing = "bank_sharing";
    public const string ExchangeBatch = "exchange_batch";
    public const string ExchangeResync = "exchange_resync";
}

/// <summary>The <c>After</c> snapshot of an <see cref="CatalogChanges.ExchangeBatch"/> audit entry.</summary>
internal sealed record ExchangeBatchRecord(string Checkpoint, IReadOnlyList<Guid> Banks, IReadOnlyList<Guid> Contents);
