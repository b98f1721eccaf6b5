using Microsoft.AspNetCore.Http.HttpResults;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Contributions;

/// <summary>Members send signals to the hub's banks, see who sent an item, and retract what they sent.</summary>
internal static class ContributionsApi
{
    public static WebApplicationBuilder AddContributions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ContributionService>();
        return builder;
    }

    public static RouteGroupBuilder MapContributionsApi(this RouteGroupBuilder api)
    {
        var contributions = api.MapGroup("/contributions").WithTags("Contributions");
        contributions.MapPost("/", Contribute).WithName("Contribute").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Send signals of one piece of media with labels and a note; a signal already in the bank joins that item.");
        contributions.MapDelete("/{id:guid}", Retract).WithName("RetractContribution").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Retract one of your own organisation's contributions.");
        api.MapGet("/content/{id:guid}/contributions", Provenance).WithTags("Contributions").WithName("ContentProvenance")
            .RequireAuthorization(Policies.ApiReadBanks).WithSummary("Every member that contributed the item, oldest first.");
        return api;
    }

    private static async Task<Results<Created<ContributionResult>, Ok<ContributionResult>>> Contribute(NewContribution request,
        ContributionService contributions, HttpContext http, CancellationToken ct)
    {
        var result = await contributions.ContributeAsync(Actor.From(http.User), request, ct);
        return result.Merged
            ? TypedResults.Ok(result)
            : TypedResults.Created($"/api/v1/content/{result.Content.Id}", result);
    }

    private static async Task<NoContent> Retract(Guid id, ContributionService contributions, HttpContext http, CancellationToken ct)
    {
        await contributions.RetractAsync(Actor.From(http.User), id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ContributionDto>>> Provenance(Guid id, ContributionService contributions,
        Data.TurntideDb db, HttpContext http, CancellationToken ct)
    {
        await BankVisibility.RequireContentVisibleAsync(db, Actor.From(http.User), id, ct);
        return TypedResults.Ok(await contributions.ProvenanceAsync(id, ct));
    }
}
