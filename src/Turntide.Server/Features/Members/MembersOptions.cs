namespace Turntide.Server.Features.Members;

/// <summary>The <c>Turntide</c> settings of keys and sign-in: key lifetimes and the throttles that guard them.</summary>
internal sealed class MembersOptions
{
    /// <summary>API requests a key may make per second (token bucket refill).</summary>
    public int ApiKeyRequestsPerSecond { get; set; } = 1000;

    /// <summary>Burst size of the per-key token bucket.</summary>
    public int ApiKeyBurst { get; set; } = 2000;

    /// <summary>Days a new API key lasts when its creator names none (1 to <see cref="ApiKey.MaxExpiryDays"/>).</summary>
    public int ApiKeyDefaultExpiryDays { get; set; } = 90;

    /// <summary>Sign-in attempts (password or code form posts) a client address may make per minute (token bucket refill).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Burst size of the per-address sign-in bucket: attempts allowed at once before the refill rate applies.</summary>
    public int SignInBurst { get; set; } = 20;

    /// <summary>Failed API-key checks a client address may cause per minute before every key from it is refused with 429.</summary>
    public int ApiKeyFailuresPerMinute { get; set; } = 30;

    /// <summary>Burst size of the per-address bucket of failed API-key checks.</summary>
    public int ApiKeyFailureBurst { get; set; } = 30;

    public static void Check(MembersOptions o, OptionsCheck c)
    {
        c.Require(o.ApiKeyRequestsPerSecond >= 1, "ApiKeyRequestsPerSecond", "at least 1");
        c.Require(o.ApiKeyBurst >= 1, "ApiKeyBurst", "at least 1");
        c.Require(o.ApiKeyDefaultExpiryDays is >= 1 and <= ApiKey.MaxExpiryDays, "ApiKeyDefaultExpiryDays", $"1 to {ApiKey.MaxExpiryDays}");
        c.Require(o.SignInAttemptsPerMinute is >= 1 and <= 100_000, "SignInAttemptsPerMinute", "1 to 100000");
        c.Require(o.SignInBurst is >= 1 and <= 100_000, "SignInBurst", "1 to 100000");
        c.Require(o.ApiKeyFailuresPerMinute is >= 1 and <= 100_000, "ApiKeyFailuresPerMinute", "1 to 100000");
        c.Require(o.ApiKeyFailureBurst is >= 1 and <= 100_000, "ApiKeyFailureBurst", "1 to 100000");
    }
}
