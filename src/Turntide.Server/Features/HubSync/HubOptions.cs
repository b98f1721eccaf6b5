namespace Turntide.Server.Features.HubSync;

/// <summary>
/// The <c>Turntide:Hub</c> section: where a node's exchange fetcher, push subscription and contributions go.
/// Without <see cref="Url"/> the node syncs nothing and matches only its own banks.
/// </summary>
internal sealed class HubOptions
{
    /// <summary>The hub's base address, for example <c>https://hub.example.org/</c>.</summary>
    public string? Url { get; set; }

    /// <summary>The node's API key on the hub (a key of the node's organisation there). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Seconds between polls of the exchange feed when no push arrives; each wait is jittered.</summary>
    public double PollSeconds { get; set; } = 30;

    /// <summary>Updates asked for (and committed locally) per page.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Hold a Server-Sent Events subscription so that changes arrive within a second.</summary>
    public bool Push { get; set; } = true;

    /// <summary>Seconds between the node's reports of match counts per shared item (for match-flood quarantine).</summary>
    public double MatchReportSeconds { get; set; } = 10;

    public static void Check(HubOptions hub, OptionsCheck c)
    {
        c.Require(hub.PollSeconds is >= 1 and <= 86_400, "PollSeconds", "1 to 86400");
        c.Require(hub.PageSize is >= 1 and <= Exchange.ExchangeService.MaxLimit, "PageSize", $"1 to {Exchange.ExchangeService.MaxLimit}");
        c.Require(hub.MatchReportSeconds is >= 0.1 and <= 3600, "MatchReportSeconds", "0.1 to 3600");
        if (string.IsNullOrWhiteSpace(hub.Url))
            return;
        // The node's key travels with every request: plain http only to this machine.
        c.Require(Uri.TryCreate(hub.Url, UriKind.Absolute, out var url)
            && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)),
            "Url", "an absolute https:// address of the hub (http:// only for a loopback address)");
        c.Require(!string.IsNullOrWhiteSpace(hub.ApiKey), "ApiKey", "set when Hub:Url is (the node organisation's key at the hub)");
    }
}
