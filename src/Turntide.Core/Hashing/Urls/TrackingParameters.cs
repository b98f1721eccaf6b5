namespace Turntide.Core.Hashing.Urls;

/// <summary>
/// Query parameters that say how a link travelled (campaign tags, click ids, share tokens), not what it points to.
/// Removing them makes the copies of one link that circulate on different platforms canonicalise alike.
/// This list is part of the canonical form's version (<see cref="UrlCanonicalizer.Version"/>): change it only
/// together with that number, because stored canonical URLs were made with it.
/// Names compare without regard to ASCII case.
/// </summary>
internal static class TrackingParameters
{
    /// <summary>Any parameter whose name starts with one of these is dropped on every host.</summary>
    internal static readonly string[] Prefixes = ["utm_"];

    /// <summary>Dropped on every host: click ids of ad and analytics systems, newsletter tokens.</summary>
    internal static readonly HashSet<string> Everywhere = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc",
        "__hsfp", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "rb_clickid", "s_cid",
        "ml_subscriber", "ml_subscriber_hash", "srsltid", "epik", "wickedid", "irclickid", "_openstat",
    };

    /// <summary>
    /// Dropped only on these sites (and their subdomains), where they are share tokens; elsewhere the same
    /// names may select content.
    /// </summary>
    internal static readonly (string Domain, HashSet<string> Names)[] PerSite =
    [
        ("youtube.com", Set("si", "feature", "pp", "ab_channel")),
        ("youtu.be", Set("si", "feature", "pp")),
        ("twitter.com", Set("s", "t", "ref_src", "ref_url")),
        ("x.com", Set("s", "t", "ref_src", "ref_url")),
        ("instagram.com", Set("igsh", "igshid")),
        ("facebook.com", Set("mibextid", "__tn__", "rdid", "sfnsn")),
        ("tiktok.com", Set("_r", "_t", "_d", "is_from_webapp", "sender_device", "sender_web_id", "is_copy_url",
            "share_app_id", "share_link_id", "tt_from", "u_code", "social_sharing", "web_id")),
        ("reddit.com", Set("share_id", "rdt")),
    ];

    /// <summary>Facebook's per-click tracking arrays, "__cft__[0]" and the like.</summary>
    private static readonly string[] FacebookPrefixes = ["__cft__"];

    /// <summary>True when the parameter (name as it appears after percent-encoding normalisation) is tracking.</summary>
    public static bool IsTracking(string name, string host)
    {
        foreach (var prefix in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        if (Everywhere.Contains(name))
            return true;
        foreach (var (domain, names) in PerSite)
        {
            if (IsOnSite(host, domain) && names.Contains(name))
                return true;
        }
        if (IsOnSite(host, "facebook.com"))
        {
            foreach (var prefix in FacebookPrefixes)
            {
                if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return false;
    }

    private static bool IsOnSite(string host, string domain) =>
        host.EndsWith(domain, StringComparison.Ordinal)
        && (host.Length == domain.Length || host[host.Length - domain.Length - 1] == '.');

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.OrdinalIgnoreCase);
}
