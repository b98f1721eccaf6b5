using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Audit;

/// <summary>
/// Appends chained entries in the same transaction as the change they describe, so that a change is never
/// stored without its entry, nor an entry without its change.
/// </summary>
internal sealed class AuditLog(TurntideDb db, AuditCommits? commits = null, WriteHealth? health = null, AuditApplied? applied = null)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // Appends are serialised: each entry needs the hash of the one before. Within a process this lock does it;
    // across processes SQLite's write lock (BEGIN IMMEDIATE) and PostgreSQL's advisory lock do.
    private static readonly SemaphoreSlim s_appendLock = new(1, 1);
    private const long PostgresLockKey = 0x7475726e74696465; // "turntide"

    internal static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>Opens the audited unit of work: make changes (Identity may save in between), record, then commit.</summary>
    public async Task<AuditScope> BeginAsync(CancellationToken cancellationToken = default)
    {
        await s_appendLock.WaitAsync(cancellationToken);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
            return new AuditScope(db, transaction, s_appendLock, commits, health, applied);
        }
        catch (Exception e)
        {
            health?.Failed(e);
            s_appendLock.Release();
            throw;
        }
    }

    public static string Snapshot(object? value) => JsonSerializer.Serialize(value, SnapshotJson);

    /// <summary>SHA-256 over the previous hash and every field, as lower-case hex.</summary>
    public static string ComputeHash(AuditEntry e)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            e.Sequence, Timestamps.Format(e.At), e.ActorKind, e.ActorId, e.ActorName, e.OrganisationId?.ToString() ?? "",
            e.Action, e.EntityType, e.EntityId, e.Before, e.After, e.PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Walks the whole chain in order; returns the first broken entry, or null when every link holds.</summary>
    public static async Task<AuditVerification> VerifyAsync(TurntideDb db, CancellationToken cancellationToken = default)
    {
        long expectedSequence = 1, count = 0;
        string previousHash = GenesisHash;
        const int page = 2000;
        while (true)
        {
            var batch = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence >= expectedSequence)
                .OrderBy(a => a.Sequence).Take(page).ToListAsync(cancellationToken);
            foreach (var entry in batch)
            {
                if (entry.Sequence != expectedSequence)
                    return new AuditVerification(count, expectedSequence, $"entry {expectedSequence} is missing (the next entry is {entry.Sequence})", previousHash);
                if (entry.PreviousHash != previousHash)
                    return new AuditVerification(count, entry.Sequence, $"entry {entry.Sequence} does not link to entry {entry.Sequence - 1}: its previous hash differs", previousHash);
                if (ComputeHash(entry) != entry.Hash)
                    return new AuditVerification(count, entry.Sequence, $"entry {entry.Sequence} was altered: its contents do not give its hash", previousHash);
                previousHash = entry.Hash;
                expectedSequence++;
                count++;
            }
            if (batch.Count < page)
                return new AuditVerification(count, null, null, previousHash);
        }
    }
}

/// <summary>The outcome of <see cref="AuditLog.VerifyAsync"/>: how many entries held, and the first bad one.</summary>
internal sealed record AuditVerification(long VerifiedEntries, long? FirstBadSequence, string? Problem, string HeadHash)
{
    public bool Intact => FirstBadSequence is null;
}

/// <summary>An open audited transaction. Dispose without <see cref="CommitAsync"/> rolls everything back.</summary>
internal sealed class AuditScope(TurntideDb db, IDbContextTransaction transaction, SemaphoreSlim appendLock, AuditCommits? commits = null,
    WriteHealth? health = null, AuditApplied? applied = null) : IAsyncDisposable
{
    private readonly List<AuditEntry> _pending = [];
    private bool _released;

    /// <summary>The sequence of this unit's last entry, once <see cref="CommitAsync"/> returned (0 before, or with no entries).</summary>
    public long LastSequence { get; private set; }

    public void Record(Actor actor, string action, string entityType, string entityId, object? before, object? after)
    {
        _pending.Add(new AuditEntry
        {
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            OrganisationId = actor.OrganisationId,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Before = before is null ? null : AuditLog.Snapshot(before),
            After = after is null ? null : AuditLog.Snapshot(after),
            PreviousHash = "",
            Hash = "",
        });
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        long sequence = last?.Sequence ?? 0;
        string previous = last?.Hash ?? AuditLog.GenesisHash;
        var now = Timestamps.Now();
        foreach (var entry in _pending)
        {
            entry.Sequence = ++sequence;
            entry.At = now;
            entry.PreviousHash = previous;
            entry.Hash = AuditLog.ComputeHash(entry);
            previous = entry.Hash;
            db.AuditEntries.Add(entry);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            health?.Failed(e);
            throw;
        }
        health?.Succeeded();
        Release();
        LastSequence = _pending.Count > 0 ? sequence : 0;
        if (_pending.Count > 0)
            commits?.Committed(sequence, _pending.Select(e => e.EntityType));
    }

    /// <summary>
    /// After <see cref="CommitAsync"/>: waits until this process's matching catalog has applied the commit, so that the
    /// caller's next match or answer sees it (bounded; see <see cref="AuditApplied.WaitAsync(long, CancellationToken)"/>).
    /// Writers change the catalog only this way, through the one applier (docs/catalog.md).
    /// </summary>
    public Task WaitAppliedAsync(CancellationToken cancellationToken = default) =>
        applied is null ? Task.CompletedTask : applied.WaitAsync(LastSequence, cancellationToken);

    /// <summary><see cref="WaitAppliedAsync(CancellationToken)"/> with a bound of the caller's (a resync's rebuild takes longer than a request).</summary>
    public Task WaitAppliedAsync(TimeSpan bound, CancellationToken cancellationToken = default) =>
        applied is null ? Task.CompletedTask : applied.WaitAsync(LastSequence, bound, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        if (!_released)
        {
            // Nothing of a failed unit of work may linger in the pooled context.
            db.ChangeTracker.Clear();
        }
        Release();
    }

    private void Release()
    {
        if (_released)
            return;
        _released = true;
        appendLock.Release();
    }
}
