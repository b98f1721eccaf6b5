using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;

namespace Turntide.Server.Features.Members;

/// <summary>A key as the authentication handler needs it.</summary>
internal sealed record KeyIdentity(Guid Id, string Prefix, string Name, byte[] SecretHash, Guid OrganisationId,
    string OrganisationName, string OrganisationKind, string Role, bool Revoked, string? Scope, DateTime ExpiresAt);

/// <summary>The outcome of checking a presented key: the key, or why it was refused (for the 401's detail).</summary>
internal sealed record KeyCheck(KeyIdentity? Key, string? Refusal);

/// <summary>
/// Generates, checks and remembers API keys. A key is <c>tt_</c> + 12 characters of public prefix + <c>_</c>
/// + 43 characters of secret (256 random bits). Checked keys are cached for <see cref="CacheFor"/> so a busy
/// key costs no database read; revoking through this server drops the cache entry at once and ends the key's open
/// streams (<see cref="Revocation"/>). Expiry is checked on every request against the cached expiry time.
/// </summary>
internal sealed class ApiKeyStore(IServiceScopeFactory scopes)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private readonly ConcurrentDictionary<string, (KeyIdentity? Key, DateTime Expires)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, DateTime> _lastUsed = new();
    // One source per key that has held a stream; bounded by the number of keys, so never pruned.
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _revoked = new();

    public static (string Prefix, string Secret, byte[] Hash) Generate()
    {
        Span<char> prefix = stackalloc char[12];
        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        for (int i = 0; i < prefix.Length; i++)
            prefix[i] = Alphabet[random[i] & 31];
        string p = "tt_" + new string(prefix);
        string secret = p + "_" + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (p, secret, Hash(secret));
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The key for a presented secret, or why not: unknown, revoked, expired or wrong.</summary>
    public async Task<KeyCheck> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        const string unknown = "The API key is unknown, revoked or malformed.";
        if (presented.Length is < 20 or > 100 || !presented.StartsWith("tt_", StringComparison.Ordinal))
            return new(null, unknown);
        int split = presented.IndexOf('_', 3);
        if (split != 15)
            return new(null, unknown);
        string prefix = presented[..split];
        var now = DateTime.UtcNow;
        KeyIdentity? key;
        if (_cache.TryGetValue(prefix, out var cached) && cached.Expires > now)
        {
            key = cached.Key;
        }
        else
        {
            key = await LoadAsync(prefix, ct);
            _cache[prefix] = (key, now + CacheFor);
        }
        if (key is null || key.Revoked || !CryptographicOperations.FixedTimeEquals(Hash(presented), key.SecretHash))
            return new(null, unknown);
        // Told only to the holder of the right secret, so it gives nothing away to a guesser.
        if (key.ExpiresAt <= now)
            return new(null, $"The API key {key.Prefix} expired at {Timestamps.Format(key.ExpiresAt)}; ask an admin of {key.OrganisationName} for a new one.");
        _lastUsed[key.Id] = now;
        return new(key, null);
    }

    /// <summary>Drops the cached key (after a revocation) and ends its open streams on this process.</summary>
    public void Forget(string prefix, Guid? id = null)
    {
        _cache.TryRemove(prefix, out _);
        if (id is { } keyId && _revoked.TryRemove(keyId, out var revoked))
            revoked.Cancel();
    }

    /// <summary>Cancelled when the key is revoked through this process; long requests (the exchange stream) link it in.</summary>
    public CancellationToken Revocation(Guid keyId) => _revoked.GetOrAdd(keyId, _ => new CancellationTokenSource()).Token;

    /// <summary>
    /// Whether the key may still be used, read from the database: what a long request asks now and then, so that a
    /// revocation through another process, or an expiry, ends it too.
    /// </summary>
    public async Task<bool> IsActiveAsync(Guid keyId, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        var now = DateTime.UtcNow;
        return await db.ApiKeys.AnyAsync(k => k.Id == keyId && k.RevokedAt == null && k.ExpiresAt > now, ct);
    }

    /// <summary>Writes the remembered last-use times (kept in memory so a busy key is not a write per request).</summary>
    public async Task FlushLastUsedAsync(CancellationToken ct = default)
    {
        if (_lastUsed.IsEmpty)
            return;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        foreach (var id in _lastUsed.Keys.ToList())
        {
            if (_lastUsed.TryRemove(id, out var at))
            {
                var stamp = Timestamps.Truncate(at);
                await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, stamp), ct);
            }
        }
    }

    private async Task<KeyIdentity?> LoadAsync(string prefix, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        return await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix)
            .Select(k => new KeyIdentity(k.Id, k.Prefix, k.Name, k.SecretHash, k.OrganisationId, k.Organisation!.Name,
                k.Organisation.Kind, k.Role, k.RevokedAt != null, k.Scope, k.ExpiresAt))
            .FirstOrDefaultAsync(ct);
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Flushes last-use times every few seconds and at shutdown.</summary>
internal sealed class ApiKeyUsageFlusher(ApiKeyStore store, ILogger<ApiKeyUsageFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            await store.FlushLastUsedAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record API key last-use times");
        }
    }
}
