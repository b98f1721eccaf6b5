namespace Turntide.Server.Features.Exchange;

/// <summary>A member named on a private bank: it (besides the owner) receives the bank through the exchange.</summary>
public sealed class BankMember
{
    public Guid BankId { get; set; }
    public Guid OrganisationId { get; set; }
}

/// <summary>Who may receive a bank through the exchange.</summary>
public sealed record BankSharing(bool Private, IReadOnlyList<Guid> Members);

/// <summary>One change in the feed: what happened to an item or a bank, and its state after (none for a deletion).</summary>
public sealed record ExchangeUpdate(long Sequence, string Kind, string Action, Guid BankId, Guid? ContentId, DateTime At,
    Banks.BankContentDto? Item, Banks.BankDto? Bank);

/// <summary>A page of the feed and the checkpoint to ask from next.</summary>
public sealed record ExchangePage(string Checkpoint, bool HasMore, IReadOnlyList<ExchangeUpdate> Updates);
