using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.HubSync;

/// <summary>
/// The node's side of the exchange: its copy of the hub's banks, kept up to date by <see cref="HubFetcher"/>; the
/// status of that sync; match-flood reports; and members' contributions and opinions, forwarded to the hub with the
/// node's key.
/// </summary>
public static class HubSyncApi
{
    public static WebApplicationBuilder AddHubSync(this WebApplicationBuilder builder, ServerOptions options)
    {
        builder.Services.AddSingleton<MatchTally>();
        builder.Services.AddSingleton<Matching.IMatchObserver>(sp => sp.GetRequiredService<MatchTally>());
        builder.Services.AddSingleton<HubSyncStatus>();
        builder.Services.AddSingleton<HubClient>();
        builder.Services.AddScoped<HubMirror>();
        if (IsSyncingNode(options))
        {
            builder.Services.AddHostedService<HubFetcher>();
            builder.Services.AddHostedService<MatchReporter>();
        }
        return builder;
    }

    /// <summary>A node (not also a hub) with a hub to follow.</summary>
    public static bool IsSyncingNode(ServerOptions options) =>
        options.ParsedRoles == ServerRoles.Node && !string.IsNullOrWhiteSpace(options.Hub.Url);

    public static RouteGroupBuilder MapHubSyncApi(this RouteGroupBuilder api, ServerOptions options)
    {
        api.MapGet("/exchange/status", Status).WithTags("Exchange").WithName("ExchangeSyncStatus").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("The node's sync with its hub: checkpoint, lag, last sync, whether the hub answers, errors.");
        if (!IsSyncingNode(options))
            return api;
        api.MapPost("/contributions", (HttpContext http, HubClient hub, CancellationToken ct) => ForwardAsync(http, hub, HttpMethod.Post, "api/v1/contributions", ct))
            .WithTags("Contributions").WithName("ForwardContribution").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Sent on to the hub with the node's key; the hub's answer comes back as it is.");
        api.MapPut("/content/{id:guid}/opinion", (Guid id, HttpContext http, HubClient hub, CancellationToken ct) => ForwardAsync(http, hub, HttpMethod.Put, $"api/v1/content/{id}/opinion", ct))
            .WithTags("Opinions").WithName("ForwardOpinion").RequireAuthorization(Policies.ApiGiveOpinion)
            .WithSummary("Sent on to the hub with the node's key; the hub's answer comes back as it is.");
        return api;
    }

    private static Ok<HubSyncStatusDto> Status(HubSyncStatus status, HubClient hub, IOptions<ServerOptions> options)
    {
        status.Configured = IsSyncingNode(options.Value);
        status.Hub = hub.Address;
        return TypedResults.Ok(status.ToDto());
    }

    private static async Task<IResult> ForwardAsync(HttpContext http, HubClient hub, HttpMethod method, string path, CancellationToken ct)
    {
        var request = http.Request;
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problems.Bad("Send application/json.", StatusCodes.Status415UnsupportedMediaType);
        var limit = http.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value.MaxJsonBytes;
        if (request.ContentLength > limit)
            return Problems.TooLarge(http, $"The JSON body is {request.ContentLength} bytes; the limit is {limit}.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > limit)
            return Problems.TooLarge(http, $"The JSON body is over {limit} bytes.");
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await hub.ForwardAsync(method, path, content, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return Problems.Bad($"The hub at {hub.Address} did not answer; try again later.", StatusCodes.Status502BadGateway);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var contentType = response.Content.Headers.ContentType?.MediaType ?? "application/json";
            if (response.Headers.Location is { } location)
                http.Response.Headers.Location = location.ToString();
            return Results.Text(body, contentType, System.Text.Encoding.UTF8, (int)response.StatusCode);
        }
    }
}
