using Microsoft.EntityFrameworkCore;

namespace Turntide.Server.Features.Opinions;

/// <summary>
/// Matches one member's nodes reported for one item in one minute. Kept in the database, not in memory, so that every
/// hub replica sums the same window and a restart forgets nothing.
/// </summary>
internal sealed class MatchFloodCount
{
    public Guid ContentId { get; set; }
    public Guid OrganisationId { get; set; }
    /// <summary>The minute the matches were reported in (UTC, seconds cut off).</summary>
    public DateTime Minute { get; set; }
    public long Matches { get; set; }

    internal static void Configure(ModelBuilder builder) => builder.Entity<MatchFloodCount>(e =>
    {
        e.ToTable("match_flood_counts");
        e.HasKey(c => new { c.ContentId, c.OrganisationId, c.Minute });
        e.HasIndex(c => c.Minute);
        e.HasOne<Banks.BankContent>().WithMany().HasForeignKey(c => c.ContentId).OnDelete(DeleteBehavior.Cascade);
    });
}
