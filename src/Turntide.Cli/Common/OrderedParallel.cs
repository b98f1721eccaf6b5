namespace Turntide.Cli.Common;

/// <summary>
/// Runs <c>work</c> over items on several threads and hands the results to <c>emit</c> on the calling
/// thread strictly in input order. At most <c>window</c> results wait ahead of the writer, so memory stays
/// bounded however many items there are.
/// </summary>
internal static class OrderedParallel
{
    public static void Run<TIn, TOut>(IReadOnlyList<TIn> items, int threads, Func<TIn, TOut> work, Action<int, TOut> emit, int window = 1024)
    {
        threads = Math.Clamp(threads, 1, Math.Max(1, items.Count));
        var results = new TOut[items.Count];
        var done = new bool[items.Count];
        int next = -1;
        int written = 0;
        var gate = new object();
        Exception? failure = null;

        void Worker()
        {
            try
            {
                while (true)
                {
                    int i = Interlocked.Increment(ref next);
                    if (i >= items.Count)
                        return;
                    lock (gate)
                    {
                        // Do not run too far ahead of the writer.
                        while (i - written >= window && failure is null)
                            Monitor.Wait(gate);
                        if (failure is not null)
                            return;
                    }
                    var result = work(items[i]);
                    lock (gate)
                    {
                        results[i] = result;
                        done[i] = true;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (Exception ex)
            {
                lock (gate)
                {
                    failure ??= ex;
                    Monitor.PulseAll(gate);
                }
            }
        }

        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(Worker) { IsBackground = true }).ToArray();
        foreach (var t in workers)
            t.Start();
        for (int i = 0; i < items.Count; i++)
        {
            TOut result;
            lock (gate)
            {
                while (!done[i] && failure is null)
                    Monitor.Wait(gate);
                if (failure is not null)
                    break;
                result = results[i];
                results[i] = default!;
            }
            emit(i, result);
            lock (gate)
            {
                written = i + 1;
                Monitor.PulseAll(gate);
            }
        }
        foreach (var t in workers)
            t.Join();
        if (failure is not null)
            throw new AggregateException("A worker failed.", failure);
    }
}
