using Microsoft.Extensions.Options;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Audit;

/// <summary>
/// How far this process has applied the committed audit log to what it keeps in memory: the matching catalog's applier
/// moves it on, strictly in sequence order, and a writer that must see its own change waits here for its commit's
/// sequence (docs/catalog.md). It lives with the audit log, not with matching, so that every feature that writes can wait
/// without depending on matching.
/// </summary>
internal sealed class AuditApplied(IOptions<AuditOptions> options)
{
    private readonly Lock _lock = new();
    private long _applied;
    private bool _started;
    // Completed and replaced at every advance: waiters look again at the new sequence.
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _startedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The last sequence whose changes are in memory (every earlier one is too).</summary>
    public long Sequence
    {
        get
        {
            lock (_lock)
                return _applied;
        }
    }

    /// <summary>True once the start-up load set the first sequence.</summary>
    public bool Started
    {
        get
        {
            lock (_lock)
                return _started;
        }
    }

    /// <summary>The bound of <see cref="WaitAsync(long, CancellationToken)"/>.</summary>
    public TimeSpan Bound => TimeSpan.FromMilliseconds(Math.Clamp(options.Value.CatalogWaitMilliseconds, 1, 600_000));

    /// <summary>Called once by the start-up load with the head it read before reading the rows.</summary>
    internal void Start(long head) => Move(head, start: true);

    /// <summary>Called by the applier after it applied every entry up to <paramref name="sequence"/>; never moves back.</summary>
    internal void Advance(long sequence) => Move(sequence, start: false);

    private void Move(long sequence, bool start)
    {
        TaskCompletionSource advanced;
        lock (_lock)
        {
            if (!start && !_started)
                throw new InvalidOperationException("The applier advanced before the start-up load.");
            _started = true;
            if (sequence > _applied)
                _applied = sequence;
            advanced = _advanced;
            _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        advanced.TrySetResult();
        _startedOnce.TrySetResult();
    }

    /// <summary>Completes when the start-up load has set the first sequence.</summary>
    internal Task WaitStartedAsync(CancellationToken ct) => _startedOnce.Task.WaitAsync(ct);

    /// <summary>
    /// Waits until the change committed at <paramref name="sequence"/> is in memory, at most <see cref="Bound"/>; past it
    /// throws a 503 <see cref="DomainException"/> telling the caller that the change is saved and matching is behind.
    /// Before the start-up load has finished nothing is served from memory yet, and the load brings the change in: no wait.
    /// </summary>
    public Task WaitAsync(long sequence, CancellationToken ct) => WaitAsync(sequence, Bound, ct);

    /// <summary><see cref="WaitAsync(long, CancellationToken)"/> with its own bound (<see cref="Timeout.InfiniteTimeSpan"/> for none).</summary>
    public async Task WaitAsync(long sequence, TimeSpan bound, CancellationToken ct)
    {
        if (sequence <= 0)
            return;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (bound != Timeout.InfiniteTimeSpan)
            limit.CancelAfter(bound);
        while (true)
        {
            Task advanced;
            lock (_lock)
            {
                if (!_started || _applied >= sequence)
                    return;
                advanced = _advanced.Task;
            }
            try
            {
                await advanced.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new DomainException($"The change is saved (audit entry {sequence}), but the matching catalog is behind: it has applied "
                    + $"entries up to {Sequence} and did not reach this one within {bound.TotalSeconds:0.#} s. Retry the read or match in a "
                    + "moment; do not repeat the change.", StatusCodes.Status503ServiceUnavailable);
            }
        }
    }
}
