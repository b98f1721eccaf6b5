using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.HubSync;

/// <summary>
/// The node's side of the exchange: its copy of the hub's banks, kept up to date by <see cref="HubFetcher"/>; the
/// status of that sync; match-flood reports; and members' contributions and opinions, forwarded to the hub with the
/// node's key.
/// </summary>
internal static class HubSyncApi
{
    public static WebApplicationBuilder AddHubSync(this WebApplicationBuilder builder)
    {
        var hub = builder.AddTurntideOptions<HubOptions>(HubOptions.Check, subsection: "Hub");
        var roles = TurntideOptions.Bind<ServerOptions>(builder.Configuration).ParsedRoles;
        builder.Services.AddSingleton<MatchTally>();
        builder.Services.AddSingleton<Matching.IMatchObserver>(sp => sp.GetRequiredService<MatchTally>());
        builder.Services.AddSingleton<HubSyncStatus>();
        builder.Services.AddSingleton<HubClient>();
        builder.Services.AddScoped<HubMirror>();
        if (IsSyncingNode(roles, hub))
        {
            builder.Services.AddHostedService<HubFetcher>();
            builder.Services.AddHostedService<MatchReporter>();
        }
        return builder;
    }

    /// <summary>A node (not also a hub) with a hub to follow.</summary>
    public static bool IsSyncingNode(ServerRoles roles, HubOptions hub) =>
        roles == ServerRoles.Node && !string.IsNullOrWhiteSpace(hub.Url);

    private static bool IsSyncingNode(IServiceProvider services) =>
        IsSyncingNode(services.GetRequiredService<IOptions<ServerOptions>>().Value.ParsedRoles, services.GetRequiredService<IOptions<HubOptions>>().Value);

    public static RouteGroupBuilder MapHubSyncApi(this RouteGroupBuilder api)
    {
        api.MapGet("/exchange/status", Status).WithTags("Exchange").WithName("ExchangeSyncStatus").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("The node's sync with its hub: checkpoint, lag, last sync, whether the hub answers, errors.");
        if (!IsSyncingNode(((IEndpointRouteBuilder)api).ServiceProvider))
            return api;
        api.MapPost("/contributions", (HttpContext http, HubClient hub, CancellationToken ct) => ForwardAsync(http, hub, HttpMethod.Post, "api/v1/contributions", ct))
            .WithTags("Contributions").WithName("ForwardContribution").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Sent on to the hub with the node's key; the hub's answer comes back as it is.");
        api.MapPut("/content/{id:guid}/opinion", (Guid id, HttpContext http, HubClient hub, CancellationToken ct) => ForwardAsync(http, hub, HttpMethod.Put, $"api/v1/content/{id}/opinion", ct))
            .WithTags("Opinions").WithName("ForwardOpinion").RequireAuthorization(Policies.ApiGiveOpinion)
            .WithSummary("Sent on to the hub with the node's key; the hub's answer comes back as it is.");
        return api;
    }

    private static Ok<HubSyncStatusDto> Status(HubSyncStatus status, HubClient hub, HttpContext http)
    {
        status.Configured = IsSyncingNode(http.RequestServices);
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
