using Microsoft.EntityFrameworkCore;

namespace Turntide.Server.Features.HubSync;

/// <summary>
/// The node's place in the hub's exchange feed: one row, updated in the same transaction as the changes of the page it
/// names, so a crash never leaves the copy and its checkpoint apart. <see cref="Version"/> makes the update a
/// compare-and-swap: of two node replicas on one database that fetched the same page, only one applies it.
/// </summary>
internal sealed class HubSyncState
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    /// <summary>The hub's checkpoint after the last committed page; null before the first sync.</summary>
    public string? Checkpoint { get; set; }
    /// <summary>Bumped by every committed page or resync.</summary>
    public long Version { get; set; }
    public DateTime? LastSyncAt { get; set; }
    public DateTime? LastResyncAt { get; set; }
    public long ItemsApplied { get; set; }

    internal static void Configure(ModelBuilder builder) => builder.Entity<HubSyncState>(e =>
    {
        e.ToTable("hub_sync_state");
        e.HasKey(s => s.Id);
        e.Property(s => s.Id).ValueGeneratedNever();
        e.Property(s => s.Checkpoint).HasMaxLength(64);
    });
}
