namespace Turntide.Server.Features.Matching;

/// <summary>The <c>Turntide</c> settings of matching and of the catalog applier (whose setting names are older than it).</summary>
internal sealed class MatchingOptions
{
    /// <summary>
    /// Milliseconds between looks at the audit log's tail for other processes' commits
    /// (<c>Turntide:CatalogFollowMilliseconds</c>); this process's own commits wake the applier at once.
    /// </summary>
    public int CatalogFollowMilliseconds { get; set; } = 250;

    /// <summary>Audit entries read per pass.</summary>
    public int CatalogFollowPage { get; set; } = 1000;

    /// <summary>Most signals in one batch match request.</summary>
    public int MaxBatchSignals { get; set; } = 1000;

    /// <summary>Most matches returned for one query signal.</summary>
    public int MaxMatchesPerSignal { get; set; } = 100;

    public static void Check(MatchingOptions o, OptionsCheck c)
    {
        c.Require(o.CatalogFollowMilliseconds is >= 10 and <= 60_000, "CatalogFollowMilliseconds", "10 to 60000");
        c.Require(o.CatalogFollowPage is >= 1 and <= 100_000, "CatalogFollowPage", "1 to 100000");
        c.Require(o.MaxBatchSignals is >= 1 and <= 100_000, "MaxBatchSignals", "1 to 100000");
        c.Require(o.MaxMatchesPerSignal is >= 1 and <= 10_000, "MaxMatchesPerSignal", "1 to 10000");
    }
}
