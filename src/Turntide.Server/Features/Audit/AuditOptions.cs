namespace Turntide.Server.Features.Audit;

/// <summary>The <c>Turntide</c> settings of the audit log: how long a writer waits for its change to reach matching.</summary>
internal sealed class AuditOptions
{
    /// <summary>
    /// Milliseconds a request that must see its own write waits for the matching catalog to apply it
    /// (<c>Turntide:CatalogWaitMilliseconds</c>); past it the request answers 503 (docs/catalog.md).
    /// </summary>
    public int CatalogWaitMilliseconds { get; set; } = 5000;

    public static void Check(AuditOptions o, OptionsCheck c) =>
        c.Require(o.CatalogWaitMilliseconds is >= 0 and <= 600_000, "CatalogWaitMilliseconds", "0 to 600000");
}
