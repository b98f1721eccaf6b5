namespace Turntide.Server.Features.Exchange;

/// <summary>One change in the feed: what happened to an item or a bank, and its state after (none for a deletion).</summary>
internal sealed record ExchangeUpdate(long Sequence, string Kind, string Action, Guid BankId, Guid? ContentId, DateTime At,
    Banks.BankContentDto? Item, Banks.BankDto? Bank);

/// <summary>A page of the feed and the checkpoint to ask from next.</summary>
internal sealed record ExchangePage(string Checkpoint, bool HasMore, IReadOnlyList<ExchangeUpdate> Updates);
