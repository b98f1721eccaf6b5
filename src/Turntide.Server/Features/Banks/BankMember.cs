namespace Turntide.Server.Features.Banks;

/// <summary>A member named on a private bank: it (besides the owner) receives the bank through the exchange.</summary>
internal sealed class BankMember
{
    public Guid BankId { get; set; }
    public Guid OrganisationId { get; set; }
}

/// <summary>Who may receive a bank through the exchange.</summary>
internal sealed record BankSharing(bool Private, IReadOnlyList<Guid> Members);
