using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;
using Turntide.Server.Features.Retroactive;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Data;

/// <summary>
/// The unit of work for everything Turntide stores. Each provider has its own subclass only so that its
/// migrations (Data/Migrations/Sqlite, Data/Migrations/Postgres) are told apart; the model is this one.
/// </summary>
internal abstract class TurntideDb(DbContextOptions options) : IdentityDbContext<Person, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Bank> Banks => Set<Bank>();
    public DbSet<BankContent> Contents => Set<BankContent>();
    public DbSet<ContentSignal> Signals => Set<ContentSignal>();
    public DbSet<ContentLabel> Labels => Set<ContentLabel>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<TaxonomyTerm> TaxonomyTerms => Set<TaxonomyTerm>();
    public DbSet<Contribution> Contributions => Set<Contribution>();
    public DbSet<Opinion> Opinions => Set<Opinion>();
    public DbSet<QuarantineCase> QuarantineCases => Set<QuarantineCase>();
    public DbSet<BankMember> BankMembers => Set<BankMember>();
    public DbSet<KeptSignal> KeptSignals => Set<KeptSignal>();
    public DbSet<RetroactiveMatch> RetroactiveMatches => Set<RetroactiveMatch>();
    public DbSet<Features.HubSync.HubSyncState> HubSyncStates => Set<Features.HubSync.HubSyncState>();
    public DbSet<MatchFloodCount> MatchFloodCounts => Set<MatchFloodCount>();

    /// <summary>The role rows, fixed so that migrations create them.</summary>
    internal static readonly IReadOnlyList<IdentityRole<Guid>> RoleRows = Common.Roles.All.Select((name, i) => new IdentityRole<Guid>
    {
        Id = new Guid($"00000000-0000-7000-8000-{i + 1:D12}"),
        Name = name,
        NormalizedName = name.ToUpperInvariant(),
        ConcurrencyStamp = $"role-{name}",
    }).ToList();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<IdentityRole<Guid>>().HasData(RoleRows);

        builder.Entity<Organisation>(e =>
        {
            e.ToTable("organisations");
            e.Property(o => o.Name).HasMaxLength(Organisation.MaxNameLength);
            e.Property(o => o.NormalizedName).HasMaxLength(Organisation.MaxNameLength);
            e.Property(o => o.Kind).HasMaxLength(16);
            e.HasIndex(o => o.NormalizedName).IsUnique();
        });

        builder.Entity<Person>(e =>
        {
            e.Property(p => p.DisplayName).HasMaxLength(Person.MaxDisplayNameLength);
            e.HasOne(p => p.Organisation).WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength);
            e.Property(k => k.Prefix).HasMaxLength(32);
            e.Property(k => k.Role).HasMaxLength(32);
            e.Property(k => k.Scope).HasMaxLength(KeyScopes.MaxLength);
            e.HasIndex(k => k.Prefix).IsUnique();
            e.HasOne(k => k.Organisation).WithMany().HasForeignKey(k => k.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Bank>(e =>
        {
            e.ToTable("banks");
            e.Property(b => b.Name).HasMaxLength(Bank.MaxNameLength);
            e.Property(b => b.NormalizedName).HasMaxLength(Bank.MaxNameLength);
            e.Property(b => b.Description).HasMaxLength(Bank.MaxDescriptionLength);
            e.HasIndex(b => b.NormalizedName).IsUnique();
            e.Property(b => b.Origin).HasMaxLength(16);
            e.HasOne<Organisation>().WithMany().HasForeignKey(b => b.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<BankContent>(e =>
        {
            e.ToTable("bank_contents");
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Note).HasMaxLength(BankContent.MaxNoteLength);
            e.Property(c => c.AddedBy).HasMaxLength(200);
            e.HasOne(c => c.Bank).WithMany(b => b.Contents).HasForeignKey(c => c.BankId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(c => c.AddedByOrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(c => c.BankId);
            // A bank's items in id order, a page at a time (the exchange snapshot), without sorting the whole bank per page.
            e.HasIndex(c => new { c.BankId, c.Id });
        });

        builder.Entity<ContentSignal>(e =>
        {
            e.ToTable("content_signals");
            e.Property(s => s.SignalType).HasMaxLength(16);
            e.HasOne(s => s.Content).WithMany(c => c.Signals).HasForeignKey(s => s.ContentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => s.ContentId);
            // Finding a signal by its value (an import's duplicate check, a contribution's merge) without a scan.
            e.HasIndex(s => s.Value);
        });

        builder.Entity<ContentLabel>(e =>
        {
            e.ToTable("content_labels");
            e.HasKey(l => new { l.ContentId, l.Label });
            e.Property(l => l.Label).HasMaxLength(ContentLabel.MaxLength);
            e.HasOne<BankContent>().WithMany(c => c.Labels).HasForeignKey(l => l.ContentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(l => l.Label);
        });

        builder.Entity<TaxonomyTerm>(e =>
        {
            e.ToTable("taxonomy_terms");
            e.HasKey(t => t.Label);
            e.Property(t => t.Label).HasMaxLength(ContentLabel.MaxLength);
            e.Property(t => t.Facet).HasMaxLength(16);
            e.Property(t => t.Description).HasMaxLength(TaxonomyTerm.MaxDescriptionLength);
            e.HasIndex(t => t.Facet);
            e.HasData(DefaultTaxonomy.Rows());
        });

        builder.Entity<Contribution>(e =>
        {
            e.ToTable("contributions");
            e.Property(c => c.ContributedBy).HasMaxLength(200);
            e.Property(c => c.Labels).HasMaxLength(Contribution.MaxLabelsText);
            e.Property(c => c.Note).HasMaxLength(BankContent.MaxNoteLength);
            e.HasOne<BankContent>().WithMany().HasForeignKey(c => c.ContentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(c => new { c.ContentId, c.OrganisationId }).IsUnique();
        });

        builder.Entity<Opinion>(e =>
        {
            e.ToTable("opinions");
            e.Property(o => o.Kind).HasMaxLength(32);
            e.Property(o => o.Labels).HasMaxLength(Contribution.MaxLabelsText);
            e.Property(o => o.Note).HasMaxLength(BankContent.MaxNoteLength);
            e.Property(o => o.GivenBy).HasMaxLength(200);
            e.HasOne<BankContent>().WithMany().HasForeignKey(o => o.ContentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(o => o.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(o => new { o.ContentId, o.OrganisationId }).IsUnique();
        });

        builder.Entity<QuarantineCase>(e =>
        {
            e.ToTable("quarantine_cases");
            e.Property(q => q.Reason).HasMaxLength(500);
            e.Property(q => q.State).HasMaxLength(16);
            e.Property(q => q.ResolvedBy).HasMaxLength(200);
            e.Property(q => q.Note).HasMaxLength(BankContent.MaxNoteLength);
            e.HasOne<BankContent>().WithMany().HasForeignKey(q => q.ContentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(q => new { q.State, q.OpenedAt });
            e.HasIndex(q => q.ContentId);
        });

        builder.Entity<BankMember>(e =>
        {
            e.ToTable("bank_members");
            e.HasKey(m => new { m.BankId, m.OrganisationId });
            e.HasOne<Bank>().WithMany().HasForeignKey(m => m.BankId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        RetroactiveModel.Configure(builder);
        Features.HubSync.HubSyncState.Configure(builder);
        MatchFloodCount.Configure(builder);

        builder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.ActorKind).HasMaxLength(16);
            e.Property(a => a.ActorId).HasMaxLength(64);
            e.Property(a => a.ActorName).HasMaxLength(200);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.EntityType).HasMaxLength(32);
            e.Property(a => a.EntityId).HasMaxLength(64);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.HasIndex(a => new { a.EntityType, a.EntityId });
        });
    }
}

internal sealed class SqliteTurntideDb(DbContextOptions<SqliteTurntideDb> options) : TurntideDb(options);

internal sealed class PostgresTurntideDb(DbContextOptions<PostgresTurntideDb> options) : TurntideDb(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // A B-tree entry holds at most about 2.7 kB, and a vPDQ value is one line per kept frame (a minute of video is
        // about 5 kB): a hash index keeps the look-up by value for values of any length. Lookups are by equality only.
        builder.Entity<ContentSignal>().HasIndex(s => s.Value).HasMethod("hash");
    }
}
