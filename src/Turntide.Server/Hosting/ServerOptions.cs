namespace Turntide.Server.Hosting;

/// <summary>The <c>Turntide</c> configuration section (environment variables <c>Turntide__Name</c>).</summary>
public sealed class ServerOptions
{
    public const string Section = "Turntide";

    /// <summary><c>hub</c>, <c>node</c> or <c>both</c>.</summary>
    public string Role { get; set; } = "both";

    /// <summary>Folder for the SQLite database (and nothing else: media is never stored).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string DatabaseProvider { get; set; } = "sqlite";

    /// <summary>PostgreSQL connection string; for SQLite, overrides the file under <see cref="DataDirectory"/> when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Largest upload to <c>/api/v1/hash</c> and <c>/api/v1/match</c>, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest decoded image, in pixels (checked from the header, before decoding).</summary>
    public long MaxImagePixels { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Pixels being decoded at once, over all requests (declared by the images' headers): about 5 bytes of memory each
    /// while decoding, so the default (one largest image, or many photos) holds decoding near 350 MB.
    /// </summary>
    public long MaxDecodingPixels { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long an upload waits for decoding budget before it is refused with 503 and Retry-After.</summary>
    public int DecodeWaitMilliseconds { get; set; } = 2000;

    /// <summary>Largest JSON request body, in bytes.</summary>
    public long MaxJsonBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest bank import (API or page upload), in bytes; the body is streamed, never held whole.</summary>
    public long MaxImportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Longest line (CSV record) of a bank import, in bytes.</summary>
    public int MaxImportLineBytes { get; set; } = 16 * 1024;

    /// <summary>Per-line errors an import report lists; beyond them it only counts.</summary>
    public int MaxImportErrors { get; set; } = 100;

    /// <summary>Items committed per transaction (with their audit entries) during an import.</summary>
    public int ImportBatchSize { get; set; } = 1000;

    /// <summary>Most signals in one batch match request.</summary>
    public int MaxBatchSignals { get; set; } = 1000;

    /// <summary>Most matches returned for one query signal.</summary>
    public int MaxMatchesPerSignal { get; set; } = 100;

    /// <summary>API requests a key may make per second (token bucket refill).</summary>
    public int ApiKeyRequestsPerSecond { get; set; } = 1000;

    /// <summary>Burst size of the per-key token bucket.</summary>
    public int ApiKeyBurst { get; set; } = 2000;

    /// <summary>Days a new API key lasts when its creator names none (1 to <see cref="Features.Members.ApiKey.MaxExpiryDays"/>).</summary>
    public int ApiKeyDefaultExpiryDays { get; set; } = 90;

    /// <summary>Sign-in attempts (password or code form posts) a client address may make per minute (token bucket refill).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Burst size of the per-address sign-in bucket: attempts allowed at once before the refill rate applies.</summary>
    public int SignInBurst { get; set; } = 20;

    /// <summary>Failed API-key checks a client address may cause per minute before every key from it is refused with 429.</summary>
    public int ApiKeyFailuresPerMinute { get; set; } = 30;

    /// <summary>Burst size of the per-address bucket of failed API-key checks.</summary>
    public int ApiKeyFailureBurst { get; set; } = 30;

    /// <summary>
    /// Base64 of 32 random bytes that encrypt the sign-in cookie keys at rest (AES-256-GCM). Without it a key is
    /// generated into <c>key-encryption.key</c> in <see cref="DataDirectory"/> (owner-only), with a warning.
    /// Never logged.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>Disagreeing members that quarantine a shared item at once (with <see cref="QuarantineDisagreementShare"/>).</summary>
    public int QuarantineDisagreements { get; set; } = 3;

    /// <summary>Least share of an item's opinions that must disagree for it to be quarantined, 0 to 1.</summary>
    public double QuarantineDisagreementShare { get; set; } = 0.5;

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

    /// <summary>The forum hub a node takes its banks from and contributes to (role <c>node</c>).</summary>
    public HubOptions Hub { get; set; } = new();

    /// <summary>Load demo organisations, people and banks into an empty database on start.</summary>
    public bool DemoData { get; set; }

    public ServerRoles ParsedRoles => ParseRoles(Role);

    public static ServerRoles ParseRoles(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "hub" => ServerRoles.Hub,
        "node" => ServerRoles.Node,
        "both" or "hub,node" or "node,hub" => ServerRoles.Both,
        _ => throw new InvalidOperationException($"Turntide:Role must be hub, node or both, not '{role}'."),
    };

    public string SqliteConnectionString =>
        !string.IsNullOrWhiteSpace(ConnectionString)
            ? ConnectionString
            : $"Data Source={Path.Combine(Path.GetFullPath(DataDirectory), "turntide.db")}";
}

/// <summary>
/// The <c>Turntide:Hub</c> section: where a node's exchange fetcher, push subscription and contributions go.
/// Without <see cref="Url"/> the node syncs nothing and matches only its own banks.
/// </summary>
public sealed class HubOptions
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
}
