using Microsoft.AspNetCore.Http.HttpResults;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Exchange;

/// <summary>The hub's exchange feed for nodes, and who receives a private bank.</summary>
internal static class ExchangeApi
{
    public static WebApplicationBuilder AddExchange(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<ExchangeOptions>(ExchangeOptions.Check);
        builder.Services.AddScoped<ExchangeService>();
        builder.Services.AddScoped<ExchangeSnapshot>();
        builder.Services.AddScoped<MatchFlood>();
        builder.Services.AddSingleton<ExchangeHead>();
        builder.Services.AddHostedService<ExchangeHeadWatcher>();
        return builder;
    }

    public static RouteGroupBuilder MapExchangeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/exchange/updates", Updates).WithTags("Exchange").WithName("ExchangeUpdates").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("Changes to items and banks since a checkpoint, strictly ordered, with the next checkpoint; 410 means resync.");
        api.MapGet("/exchange/stream", ExchangeStream.StreamAsync).WithTags("Exchange").WithName("ExchangeStream").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("Server-Sent Events: the feed's head (event 'head', data {\"head\": sequence}) whenever it moves; a comment line every 15 s.");
        api.MapGet("/exchange/snapshot", Snapshot).WithTags("Exchange").WithName("ExchangeSnapshot").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("JSON Lines: the checkpoint, every bank and item you may see, and an end line; then follow the feed from the checkpoint.");
        api.MapPost("/exchange/match-reports", Report).WithTags("Exchange").WithName("ExchangeMatchReports").RequireAuthorization(Policies.ApiMatchReports)
            .RequireRateLimiting(Web.WebExtensions.MatchReportRateLimit)
            .WithSummary("A node's match counts per shared item since its last report (node keys only); an item matching too often goes under review, and is quarantined when members' shares together cross the threshold.");
        api.MapPut("/banks/{bank}/sharing", SetSharing).WithTags("Exchange").WithName("SetBankSharing").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Make a bank private to its owner and named members, or shared with every member.");
        return api;
    }

    private static async Task<Results<Ok<ExchangePage>, ProblemHttpResult>> Updates(string? checkpoint, int? limit, ExchangeService exchange,
        HttpContext http, CancellationToken ct)
    {
        if (limit is < 1 or > ExchangeService.MaxLimit)
            return (ProblemHttpResult)Problems.Bad($"limit is 1 to {ExchangeService.MaxLimit}.");
        try
        {
            return TypedResults.Ok(await exchange.UpdatesAsync(Actor.From(http.User), checkpoint, limit ?? ExchangeService.DefaultLimit, ct));
        }
        catch (DomainException e) when (e.StatusCode == StatusCodes.Status410Gone)
        {
            // A machine-readable flag besides the words: the node's fetcher drops its copy and starts again.
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Gone", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["resync"] = true });
        }
    }

    private static async Task Snapshot(ExchangeSnapshot snapshot, HttpContext http, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        if (actor.OrganisationId is null)
            throw new DomainException("The exchange serves member organisations.", StatusCodes.Status403Forbidden);
        http.Response.ContentType = "application/jsonl; charset=utf-8";
        await snapshot.WriteAsync(actor, http.Response.Body, ct);
    }

    private static async Task<Ok<MatchReportResult>> Report(MatchReport request, MatchFlood flood, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await flood.ReportAsync(Actor.From(http.User), request, ct));

    private static async Task<Ok<BankSharing>> SetSharing(string bank, BankSharing request, ExchangeService exchange, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await exchange.SetSharingAsync(Actor.From(http.User), bank, request, ct));
}
