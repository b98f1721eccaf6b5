using Microsoft.AspNetCore.Http.HttpResults;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Opinions;

internal sealed record OpinionsPage(OpinionSummary Summary, IReadOnlyList<OpinionDto> Opinions);

/// <summary>Members' opinions of shared items, and the forum operator's quarantine queue.</summary>
internal static class OpinionsApi
{
    public static WebApplicationBuilder AddOpinions(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<OpinionsOptions>(OpinionsOptions.Check);
        builder.Services.AddScoped<OpinionService>();
        return builder;
    }

    public static RouteGroupBuilder MapOpinionsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/content/{id:guid}/opinion", Give).WithTags("Opinions").WithName("GiveOpinion").RequireAuthorization(Policies.ApiGiveOpinion)
            .WithSummary("Your organisation's opinion of an item (agree, disagree, disagree_with_labels with labels, saw_this_too), with a note; replaces an earlier one.");
        api.MapGet("/content/{id:guid}/opinions", List).WithTags("Opinions").WithName("ListOpinions").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("An item's opinions, their counts and its confidence score.");
        var quarantine = api.MapGroup("/quarantine").WithTags("Opinions");
        quarantine.MapGet("/", Queue).WithName("QuarantineQueue").RequireAuthorization(Policies.ApiReviewQuarantine)
            .WithSummary("Items quarantined by disagreement (open ones unless all=true), oldest first, at most 1000.");
        quarantine.MapPost("/{id:guid}", Resolve).WithName("ResolveQuarantine").RequireAuthorization(Policies.ApiReviewQuarantine)
            .WithSummary("Restore (matches again) or disable a quarantined item.");
        return api;
    }

    private static async Task<Ok<OpinionResult>> Give(Guid id, NewOpinion request, OpinionService opinions, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await opinions.GiveAsync(Actor.From(http.User), id, request, ct));

    private static async Task<Ok<OpinionsPage>> List(Guid id, OpinionService opinions, HttpContext http, CancellationToken ct)
    {
        var (summary, list) = await opinions.ListAsync(Actor.From(http.User), id, ct);
        return TypedResults.Ok(new OpinionsPage(summary, list));
    }

    private static async Task<Ok<List<QuarantineCaseDto>>> Queue(OpinionService opinions, bool? all, CancellationToken ct) =>
        TypedResults.Ok(await opinions.QueueAsync(all != true, ct));

    private static async Task<Ok<QuarantineCaseDto>> Resolve(Guid id, QuarantineDecision request, OpinionService opinions, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await opinions.ResolveAsync(Actor.From(http.User), id, request, ct));
}
