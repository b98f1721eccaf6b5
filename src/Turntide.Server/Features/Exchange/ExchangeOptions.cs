namespace Turntide.Server.Features.Exchange;

/// <summary>The <c>Turntide</c> settings of the hub's match reports and match-flood quarantine.</summary>
internal sealed class ExchangeOptions
{
    /// <summary>Matches of one item, reported by all nodes within <see cref="QuarantineFloodWindowMinutes"/>, that quarantine it at once (a match flood).</summary>
    public long QuarantineFloodMatches { get; set; } = 10_000;

    /// <summary>The sliding window, in minutes, over which match-flood reports are summed.</summary>
    public int QuarantineFloodWindowMinutes { get; set; } = 60;

    /// <summary>
    /// Members whose match reports together quarantine an item: each member counts at most
    /// <see cref="QuarantineFloodMatches"/> / this, so one member alone only puts an item under review.
    /// </summary>
    public int QuarantineFloodMembers { get; set; } = 2;

    /// <summary>Match reports one node key may send per minute (429 with Retry-After beyond).</summary>
    public int MatchReportsPerMinute { get; set; } = 60;

    public static void Check(ExchangeOptions o, OptionsCheck c)
    {
        c.Require(o.QuarantineFloodMatches >= 1, "QuarantineFloodMatches", "at least 1");
        c.Require(o.QuarantineFloodWindowMinutes is >= 1 and <= 10_080, "QuarantineFloodWindowMinutes", "1 to 10080 (a week)");
        c.Require(o.QuarantineFloodMembers is >= 2 and <= 100, "QuarantineFloodMembers", "2 to 100 (one member alone never quarantines)");
        c.Require(o.MatchReportsPerMinute is >= 1 and <= 60_000, "MatchReportsPerMinute", "1 to 60000");
    }
}
