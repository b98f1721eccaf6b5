using Microsoft.AspNetCore.Http.HttpResults;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Taxonomy;

/// <summary>The label vocabulary for machines: members read it, the forum operator edits it.</summary>
internal static class TaxonomyApi
{
    public static WebApplicationBuilder AddTaxonomy(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TaxonomyService>();
        return builder;
    }

    public static RouteGroupBuilder MapTaxonomyApi(this RouteGroupBuilder api)
    {
        var taxonomy = api.MapGroup("/taxonomy").WithTags("Taxonomy");
        taxonomy.MapGet("/", List).WithName("ListTaxonomy").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("Every term, active and retired, by facet.");
        taxonomy.MapPost("/", Add).WithName("AddTaxonomyTerm").RequireAuthorization(Policies.ApiManageTaxonomy)
            .WithSummary("Add a term, facet:name (facets: entity, designation, behaviour, content_type, severity).");
        taxonomy.MapPatch("/{label}", Change).WithName("ChangeTaxonomyTerm").RequireAuthorization(Policies.ApiManageTaxonomy)
            .WithSummary("Change a term's description, or retire (active: false) or restore it.");
        return api;
    }

    private static async Task<Ok<List<TaxonomyTermDto>>> List(TaxonomyService taxonomy, CancellationToken ct) =>
        TypedResults.Ok((await taxonomy.ListAsync(ct)).Select(t => t.ToDto()).ToList());

    private static async Task<Created<TaxonomyTermDto>> Add(NewTerm request, TaxonomyService taxonomy, HttpContext http, CancellationToken ct)
    {
        var term = await taxonomy.AddAsync(Actor.From(http.User), request, ct);
        return TypedResults.Created($"/api/v1/taxonomy/{Uri.EscapeDataString(term.Label)}", term.ToDto());
    }

    private static async Task<Ok<TaxonomyTermDto>> Change(string label, TermChanges request, TaxonomyService taxonomy, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await taxonomy.ChangeAsync(Actor.From(http.User), label, request, ct)).ToDto());
}
