using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Turntide.Server.Data;

/// <summary>
/// Whether audited writes (every change Turntide makes goes through one) are failing: a full disk or a database that
/// refuses writes leaves reads working, so without this the server would look ready while losing work.
/// <c>/health/ready</c> reports degraded (503) from a failed write until a write succeeds again, or for at most
/// <see cref="RememberFailureFor"/> after the last failure when nothing writes in between.
/// </summary>
internal sealed class WriteHealth(TimeProvider time)
{
    public static readonly TimeSpan RememberFailureFor = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private DateTimeOffset? _failedAt;
    private string? _failure;
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Why writes are failing now, or null when the last write succeeded (or failed long ago).</summary>
    public string? Degraded
    {
        get
        {
            lock (_lock)
                return _failedAt is { } at && time.GetUtcNow() - at < RememberFailureFor ? _failure : null;
        }
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _failure) is null)
            return;
        lock (_lock)
        {
            _failedAt = null;
            _failure = null;
        }
    }

    /// <summary>Counts a failed write, unless the database refused it for its content (a constraint): that is the caller's error.</summary>
    public void Failed(Exception e)
    {
        if (e is OperationCanceledException || IsConstraint(e))
            return;
        Interlocked.Increment(ref _failures);
        lock (_lock)
        {
            _failedAt = time.GetUtcNow();
            _failure = Describe(e);
        }
    }

    /// <summary>The innermost cause in a few words, for reports and the health answer (never SQL or parameters).</summary>
    public static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        string kind = inner switch
        {
            IOException => "I/O error",
            DbException => "database error",
            _ => inner.GetType().Name,
        };
        string message = inner is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : inner.Message;
        message = message.ReplaceLineEndings(" ");
        return $"{kind}: {(message.Length <= 200 ? message : message[..197] + "...")}";
    }

    private static bool IsConstraint(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SqliteException { SqliteErrorCode: 19 } || inner is PostgresException { SqlState: ['2', '3', ..] })
                return true;
            if (inner is DbUpdateConcurrencyException)
                return true;
        }
        return false;
    }
}

/// <summary>Tells <see cref="WriteHealth"/> how every <c>SaveChanges</c> of every context ends.</summary>
internal sealed class WriteHealthInterceptor(WriteHealth health) : SaveChangesInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        health.Succeeded();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        health.Succeeded();
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => health.Failed(eventData.Exception);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        health.Failed(eventData.Exception);
        return Task.CompletedTask;
    }
}
