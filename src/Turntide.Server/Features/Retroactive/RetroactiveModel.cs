using Microsoft.EntityFrameworkCore;

namespace Turntide.Server.Features.Retroactive;

/// <summary>A signal of a recent upload a node matched, kept for a while to re-check against signals that arrive later.</summary>
internal sealed class KeptSignal
{
    public const int MaxReferenceLength = Matching.MatchingApi.MaxReferenceLength;
    public const int MaxValueLength = 128;

    public long Id { get; set; }
    /// <summary>The organisation whose key sent the upload: later matches are its, and respect what it may see.</summary>
    public Guid OrganisationId { get; set; }
    /// <summary>The platform's own id for the upload.</summary>
    public required string Reference { get; set; }
    public required string SignalType { get; set; }
    public required string Value { get; set; }
    public DateTime KeptAt { get; set; }
}

/// <summary>
/// A match between a kept upload and an item. Raised once per (organisation, reference, item): the unique index makes
/// it so even with several replicas re-checking at the same moment. Matches already answered at upload time are stored
/// too (<see cref="AtUpload"/>) so that a later change to the same item is not raised as new.
/// </summary>
internal sealed class RetroactiveMatch
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public required string Reference { get; set; }
    public required string SignalType { get; set; }
    public required string Signal { get; set; }
    public Guid ContentId { get; set; }
    public Guid BankId { get; set; }
    public required string BankName { get; set; }
    public int Distance { get; set; }
    public DateTime FoundAt { get; set; }
    public bool AtUpload { get; set; }

    public RetroactiveMatchDto ToDto() => new(Id, Reference, SignalType, Signal, ContentId, BankId, BankName, Distance, FoundAt);
}

internal sealed record RetroactiveMatchDto(long Id, string Reference, string SignalType, string Signal, Guid ContentId, Guid BankId,
    string Bank, int Distance, DateTime FoundAt);

/// <param name="NextAfter">Pass as <c>after</c> for the next page; null on the last page.</param>
internal sealed record RetroactiveMatchPage(IReadOnlyList<RetroactiveMatchDto> Matches, long? NextAfter);

/// <summary>The tables of retroactive matching, configured from <see cref="Data.TurntideDb"/>.</summary>
internal static class RetroactiveModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<KeptSignal>(e =>
        {
            e.ToTable("retro_kept_signals");
            e.Property(k => k.Reference).HasMaxLength(KeptSignal.MaxReferenceLength);
            e.Property(k => k.SignalType).HasMaxLength(16);
            e.Property(k => k.Value).HasMaxLength(KeptSignal.MaxValueLength);
            e.HasIndex(k => k.KeptAt);
            e.HasIndex(k => new { k.SignalType, k.Value });
        });
        builder.Entity<RetroactiveMatch>(e =>
        {
            e.ToTable("retro_matches");
            e.Property(m => m.Reference).HasMaxLength(KeptSignal.MaxReferenceLength);
            e.Property(m => m.SignalType).HasMaxLength(16);
            e.Property(m => m.Signal).HasMaxLength(KeptSignal.MaxValueLength);
            e.Property(m => m.BankName).HasMaxLength(Banks.Bank.MaxNameLength);
            e.HasIndex(m => new { m.OrganisationId, m.Reference, m.ContentId }).IsUnique();
            e.HasIndex(m => new { m.OrganisationId, m.AtUpload, m.Id });
            e.HasIndex(m => m.FoundAt);
        });
    }
}
