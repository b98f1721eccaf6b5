using Microsoft.Extensions.Options;
using Turntide.Server.Data;

namespace Turntide.Server.Hosting;

public static class HostingExtensions
{
    /// <summary>Binds and checks <see cref="ServerOptions"/> early, so a bad setting stops start-up with its name.</summary>
    public static ServerOptions AddServerOptions(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        _ = options.ParsedRoles;
        Check(options.MaxUploadBytes is >= 1024 and <= int.MaxValue - 1024 * 1024, "MaxUploadBytes", "1024 to 2146435071");
        Check(options.MaxImagePixels >= 1, "MaxImagePixels", "at least 1");
        Check(options.MaxDecodingPixels >= options.MaxImagePixels, "MaxDecodingPixels", "at least MaxImagePixels (or the largest image allowed could never be decoded)");
        Check(options.DecodeWaitMilliseconds is >= 0 and <= 60_000, "DecodeWaitMilliseconds", "0 to 60000");
        Check(options.MaxJsonBytes is >= 1024 and <= 256L * 1024 * 1024, "MaxJsonBytes", "1024 to 268435456");
        Check(options.MaxImportBytes is >= 1024, "MaxImportBytes", "at least 1024");
        Check(options.MaxImportLineBytes is >= 256 and <= 16 * 1024 * 1024, "MaxImportLineBytes", "256 to 16777216");
        Check(options.MaxImportErrors is >= 0 and <= 100_000, "MaxImportErrors", "0 to 100000");
        Check(options.ImportBatchSize is >= 1 and <= 10_000, "ImportBatchSize", "1 to 10000");
        Check(options.MaxBatchSignals is >= 1 and <= 100_000, "MaxBatchSignals", "1 to 100000");
        Check(options.MaxMatchesPerSignal is >= 1 and <= 10_000, "MaxMatchesPerSignal", "1 to 10000");
        Check(options.QuarantineDisagreements is >= 1 and <= 1000, "QuarantineDisagreements", "1 to 1000");
        Check(options.QuarantineDisagreementShare is >= 0 and <= 1, "QuarantineDisagreementShare", "0 to 1");
        Check(options.ApiKeyRequestsPerSecond >= 1, "ApiKeyRequestsPerSecond", "at least 1");
        Check(options.ApiKeyBurst >= 1, "ApiKeyBurst", "at least 1");
        Check(options.ApiKeyDefaultExpiryDays is >= 1 and <= Features.Members.ApiKey.MaxExpiryDays, "ApiKeyDefaultExpiryDays", $"1 to {Features.Members.ApiKey.MaxExpiryDays}");
        Check(options.SignInAttemptsPerMinute is >= 1 and <= 100_000, "SignInAttemptsPerMinute", "1 to 100000");
        Check(options.SignInBurst is >= 1 and <= 100_000, "SignInBurst", "1 to 100000");
        Check(options.ApiKeyFailuresPerMinute is >= 1 and <= 100_000, "ApiKeyFailuresPerMinute", "1 to 100000");
        Check(options.ApiKeyFailureBurst is >= 1 and <= 100_000, "ApiKeyFailureBurst", "1 to 100000");
        Check(options.QuarantineFloodMatches >= 1, "QuarantineFloodMatches", "at least 1");
        Check(options.QuarantineFloodWindowMinutes is >= 1 and <= 10_080, "QuarantineFloodWindowMinutes", "1 to 10080 (a week)");
        Check(options.QuarantineFloodMembers is >= 2 and <= 100, "QuarantineFloodMembers", "2 to 100 (one member alone never quarantines)");
        Check(options.MatchReportsPerMinute is >= 1 and <= 60_000, "MatchReportsPerMinute", "1 to 60000");
        CheckHub(options.Hub);
        builder.Services.AddSingleton(Options.Create(options));
        // Sign-in cookies stay valid across restarts: the keys that protect them live with the data, encrypted.
        builder.Services.AddTurntideDataProtection(options);
        builder.Services.AddHostedService<KeyEncryptionNotice>();
        builder.Services.AddSingleton<DatabaseReady>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        return options;
    }

    private static void CheckHub(HubOptions hub)
    {
        Check(hub.PollSeconds is >= 1 and <= 86_400, "Hub:PollSeconds", "1 to 86400");
        Check(hub.PageSize is >= 1 and <= Features.Exchange.ExchangeService.MaxLimit, "Hub:PageSize", $"1 to {Features.Exchange.ExchangeService.MaxLimit}");
        Check(hub.MatchReportSeconds is >= 0.1 and <= 3600, "Hub:MatchReportSeconds", "0.1 to 3600");
        if (string.IsNullOrWhiteSpace(hub.Url))
            return;
        // The node's key travels with every request: plain http only to this machine.
        Check(Uri.TryCreate(hub.Url, UriKind.Absolute, out var url)
            && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)),
            "Hub:Url", "an absolute https:// address of the hub (http:// only for a loopback address)");
        Check(!string.IsNullOrWhiteSpace(hub.ApiKey), "Hub:ApiKey", "set when Hub:Url is (the node organisation's key at the hub)");
    }

    private static void Check(bool ok, string name, string range)
    {
        if (!ok)
            throw new InvalidOperationException($"{ServerOptions.Section}:{name} must be {range}.");
    }
}
