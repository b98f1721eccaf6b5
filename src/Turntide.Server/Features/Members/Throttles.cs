using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Turntide.Server.Features.Members;

/// <summary>The address a throttle counts a caller by.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's remote address; an IPv6 caller by its /64, since one host usually holds a whole /64 and
    /// could otherwise take a fresh address for every attempt. Forwarded headers are not trusted.
    /// </summary>
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Whole seconds from a rejected lease's retry-after hint, at least one.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease, int fallback) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : fallback;
}

/// <summary>
/// Sign-in posts (password and TOTP code) per client address, run as ASP.NET Core's global rate limiter so that a
/// refusal happens before any password is hashed. Every other request passes untouched.
/// </summary>
internal static class SignInThrottle
{
    public static bool Applies(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && (context.Request.Path.Equals("/signin", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.Equals("/signin/code", StringComparison.OrdinalIgnoreCase));

    public static PartitionedRateLimiter<HttpContext> Create(MembersOptions options) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => Applies(context)
            ? RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.SignInBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / options.SignInAttemptsPerMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(""));
}

/// <summary>
/// Counts failed API-key checks per client address. Only failures take a token, so a busy valid key is never
/// slowed; once an address has used up its bucket, every key it presents is refused with 429 until the bucket
/// refills, so guessing cannot go on at the rate a server answers.
/// </summary>
internal sealed class ApiKeyFailureThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly int _waitSeconds;

    public ApiKeyFailureThrottle(Microsoft.Extensions.Options.IOptions<MembersOptions> options)
    {
        var o = options.Value;
        // The longest wait for one whole token.
        _waitSeconds = Math.Max(1, (int)Math.Ceiling(60.0 / o.ApiKeyFailuresPerMinute));
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = o.ApiKeyFailureBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / o.ApiKeyFailuresPerMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Null while the address may still try a key; otherwise the seconds it should wait.</summary>
    /// <remarks>
    /// Asks for whole tokens left rather than acquiring none: the bucket refills in fractions, and a zero-token
    /// acquire succeeds on any fraction, which would let a guess through that could never take its token.
    /// </remarks>
    public int? Blocked(string address) =>
        _limiter.GetStatistics(address) is { CurrentAvailablePermits: < 1 } ? _waitSeconds : null;

    public void Failed(string address)
    {
        using var _ = _limiter.AttemptAcquire(address, 1);
    }

    public void Dispose() => _limiter.Dispose();
}
