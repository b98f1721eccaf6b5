namespace Turntide.Core.Hashing.Urls;

/// <summary>How closely two links agree.</summary>
public enum UrlMatch
{
    /// <summary>Different hosts.</summary>
    None,

    /// <summary>Same host (ignoring one leading "www."), different link.</summary>
    SameHost,

    /// <summary>The same link: equal <see cref="CanonicalUrl.MatchKey"/>.</summary>
    SameUrl,
}

/// <summary>Exact-URL and same-host matching of canonical links.</summary>
public static class UrlMatcher
{
    /// <summary>Same canonical link, ignoring only the difference between http and https.</summary>
    public static bool IsSameUrl(CanonicalUrl a, CanonicalUrl b) => string.Equals(a.MatchKey, b.MatchKey, StringComparison.Ordinal);

    /// <summary>
    /// Same host, ignoring ports and one leading "www." label. With <paramref name="includeSubdomains"/>, a host
    /// also matches every domain below it (<c>media.example.com</c> matches <c>example.com</c>, not the reverse),
    /// which is how a whole site is listed.
    /// </summary>
    public static bool IsSameHost(CanonicalUrl candidate, CanonicalUrl listed, bool includeSubdomains = false)
    {
        string a = candidate.HostKey, b = listed.HostKey;
        if (string.Equals(a, b, StringComparison.Ordinal))
            return true;
        return includeSubdomains
            && candidate.HostKind == UrlHostKind.Domain && listed.HostKind == UrlHostKind.Domain
            && a.Length > b.Length + 1 && a.EndsWith(b, StringComparison.Ordinal) && a[a.Length - b.Length - 1] == '.';
    }

    public static UrlMatch Match(CanonicalUrl candidate, CanonicalUrl listed, bool includeSubdomains = false) =>
        IsSameUrl(candidate, listed) ? UrlMatch.SameUrl
        : IsSameHost(candidate, listed, includeSubdomains) ? UrlMatch.SameHost
        : UrlMatch.None;
}
