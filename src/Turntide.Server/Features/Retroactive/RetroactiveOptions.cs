namespace Turntide.Server.Features.Retroactive;

/// <summary>The <c>Turntide</c> settings of retroactive matching.</summary>
internal sealed class RetroactiveOptions
{
    /// <summary>How long an upload's signals are kept for re-checking (<c>Turntide:RetroactiveWindowHours</c>); 0 keeps nothing.</summary>
    public double RetroactiveWindowHours { get; set; } = 72;

    /// <summary>Most kept signals; the oldest go first beyond it (<c>Turntide:RetroactiveMaxKeptSignals</c>).</summary>
    public int RetroactiveMaxKeptSignals { get; set; } = 1_000_000;

    /// <summary>Days a raised retroactive match stays listed (<c>Turntide:RetroactiveMatchDays</c>).</summary>
    public double RetroactiveMatchDays { get; set; } = 30;

    /// <summary>Minutes between prunes of the kept signals (<c>Turntide:RetroactivePruneMinutes</c>).</summary>
    public double RetroactivePruneMinutes { get; set; } = 10;

    /// <summary>Uploads waiting to be written before new ones are dropped (the request never waits).</summary>
    public int RetroactiveQueueLength { get; set; } = 10_000;

    public bool Enabled => RetroactiveWindowHours > 0 && RetroactiveMaxKeptSignals > 0;

    public static void Check(RetroactiveOptions o, OptionsCheck c)
    {
        c.Require(o.RetroactiveWindowHours is >= 0 and <= 24 * 365, "RetroactiveWindowHours", "0 to 8760");
        c.Require(o.RetroactiveMaxKeptSignals is >= 0 and <= 100_000_000, "RetroactiveMaxKeptSignals", "0 to 100000000");
        c.Require(o.RetroactiveMatchDays is > 0 and <= 3650, "RetroactiveMatchDays", "more than 0, at most 3650");
        c.Require(o.RetroactivePruneMinutes is > 0 and <= 1440, "RetroactivePruneMinutes", "more than 0, at most 1440");
        c.Require(o.RetroactiveQueueLength is >= 1 and <= 1_000_000, "RetroactiveQueueLength", "1 to 1000000");
    }
}
