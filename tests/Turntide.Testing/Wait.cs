using System.Diagnostics;

namespace Turntide.Testing;

/// <summary>
/// The one way a test waits: for a condition, polled, with a bound and a message that says what never happened.
/// A test never sleeps a fixed time and never asserts how long something took (docs/testing.md).
/// </summary>
internal static class Wait
{
    /// <summary>How long a condition may take by default: generous, because the machine that runs the tests may be busy.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Returns once <paramref name="condition"/> holds; fails naming <paramref name="what"/> past the bound. A server that
    /// is not answering yet (<see cref="HttpRequestException"/>) counts as "not yet", and its last error is in the message.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? bound = null)
    {
        var limit = bound ?? DefaultBound;
        var clock = Stopwatch.StartNew();
        HttpRequestException? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
            if (clock.Elapsed > limit)
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}." + (last is null ? "" : $" Last error: {last.Message}"));
            await Task.Delay(Poll);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? bound = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, bound);
}
