namespace Turntide.Server.Data;

/// <summary>Set once the schema is migrated (and demo data loaded, when asked); other start-up work waits on it.</summary>
internal sealed class DatabaseReady
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _done.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken ct) => _done.Task.WaitAsync(ct);

    internal void Set() => _done.TrySetResult();

    internal void Fail(Exception ex) => _done.TrySetException(ex);
}
