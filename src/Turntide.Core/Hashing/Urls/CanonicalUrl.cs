namespace Turntide.Core.Hashing.Urls;

/// <summary>What the host of a canonical URL is.</summary>
public enum UrlHostKind
{
    /// <summary>A domain name, in ASCII (IDN labels as punycode), lower case, without a trailing dot.</summary>
    Domain,

    /// <summary>An IPv4 address in dotted decimal, whatever form the input used.</summary>
    IPv4,

    /// <summary>An IPv6 address in brackets, compressed and lower case (RFC 5952).</summary>
    IPv6,
}

/// <summary>
/// A link in Turntide's canonical form (<see cref="UrlCanonicalizer"/>): the <c>url</c> signal value.
/// Two links that canonicalise to the same <see cref="MatchKey"/> are the same link.
/// </summary>
public sealed record CanonicalUrl
{
    internal CanonicalUrl(string scheme, string host, UrlHostKind hostKind, int? port, string path, string? query, string? fragment,
        bool credentialsRemoved)
    {
        Scheme = scheme;
        Host = host;
        HostKind = hostKind;
        Port = port;
        Path = path;
        Query = query;
        Fragment = fragment;
        CredentialsRemoved = credentialsRemoved;
        string authority = port is null ? host : $"{host}:{port}";
        string rest = path + (query is null ? "" : "?" + query) + (fragment is null ? "" : "#" + fragment);
        Value = $"{scheme}://{authority}{rest}";
        MatchKey = $"//{authority}{rest}";
    }

    /// <summary>The canonical URL: the signal value, to share and to show.</summary>
    public string Value { get; }

    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string Scheme { get; }

    /// <summary>Lower-case ASCII host: a domain, a dotted-decimal IPv4 address, or a bracketed IPv6 address.</summary>
    public string Host { get; }

    public UrlHostKind HostKind { get; }

    /// <summary>The port when it is not the scheme's default; null otherwise.</summary>
    public int? Port { get; }

    /// <summary>The path, never empty, starting with '/'.</summary>
    public string Path { get; }

    /// <summary>The query without '?', or null when nothing is left of it.</summary>
    public string? Query { get; }

    /// <summary>A route fragment ("#!..." or "#/...") without '#', or null: other fragments are dropped.</summary>
    public string? Fragment { get; }

    /// <summary>True when the input carried a user name or password, which the canonical form never keeps.</summary>
    public bool CredentialsRemoved { get; }

    /// <summary>
    /// The key for exact matching: the canonical URL without its scheme, so that the http and https forms of a
    /// link match (they serve the same content on every site that matters here).
    /// </summary>
    public string MatchKey { get; }

    /// <summary>The key for same-host matching: the host without one leading "www." label.</summary>
    public string HostKey => HostKind == UrlHostKind.Domain && Host.StartsWith("www.", StringComparison.Ordinal) && Host.Length > 4
        ? Host[4..]
        : Host;

    public override string ToString() => Value;
}

/// <summary>Why a link has no canonical form: one sentence a person can act on.</summary>
public sealed class UrlFormatException(string reason) : FormatException(reason);
