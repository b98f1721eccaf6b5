using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Retroactive;

internal static class RetroactiveApi
{
    public const int MaxPageSize = 500;

    public static WebApplicationBuilder AddRetroactive(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<RetroactiveOptions>(RetroactiveOptions.Check);
        builder.Services.AddSingleton<RetroactiveQueue>();
        // Uploads with a reference come from matching's answers.
        builder.Services.AddSingleton<Matching.IMatchObserver>(sp => sp.GetRequiredService<RetroactiveQueue>());
        builder.Services.AddHostedService<RetroactiveWorker>();
        return builder;
    }

    public static RouteGroupBuilder MapRetroactiveApi(this RouteGroupBuilder api)
    {
        api.MapGet("/retroactive-matches", List)
            .WithName("ListRetroactiveMatches").WithTags("Matching")
            .WithSummary("Matches found after the upload: kept uploads (sent with a reference) against signals that arrived later.")
            .RequireAuthorization(Policies.ApiMatch);
        return api;
    }

    private static async Task<Results<Ok<RetroactiveMatchPage>, ProblemHttpResult>> List(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "since")] string? since,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "after")] string? after,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "limit")] string? limit,
        HttpContext http, TurntideDb db, CancellationToken ct)
    {
        DateTime? from = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (since.Length > 40 || !DateTime.TryParse(since, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                return (ProblemHttpResult)Problems.Bad("since must be a UTC time such as 2026-11-30T01:00:00Z.");
            from = parsed;
        }
        long afterId = 0;
        if (after is not null && (!long.TryParse(after, out afterId) || afterId < 0))
            return (ProblemHttpResult)Problems.Bad("after must be the id of a match (next_after of the page before).");
        int take = 100;
        if (limit is not null && (!int.TryParse(limit, out take) || take < 1 || take > MaxPageSize))
            return (ProblemHttpResult)Problems.Bad($"limit must be 1 to {MaxPageSize}.");
        var org = Actor.From(http.User).OrganisationId;
        var page = await ListAsync(db, org, from, afterId, take, ct);
        return TypedResults.Ok(page);
    }

    /// <summary>
    /// An organisation's retroactive matches found after <paramref name="since"/> with ids above <paramref name="after"/>,
    /// in the order they were raised. Many are raised at the same instant, so pages continue by id, not by time.
    /// </summary>
    public static async Task<RetroactiveMatchPage> ListAsync(TurntideDb db, Guid? organisationId, DateTime? since, long after, int take, CancellationToken ct)
    {
        // A match raised while the organisation could see the item's bank is listed only while it still may.
        var visible = db.Banks.VisibleTo(db, organisationId).Select(b => b.Id);
        var query = db.Set<RetroactiveMatch>().AsNoTracking().Where(m => m.OrganisationId == organisationId && !m.AtUpload && visible.Contains(m.BankId));
        if (since is { } s)
            query = query.Where(m => m.FoundAt > s);
        if (after > 0)
            query = query.Where(m => m.Id > after);
        var rows = await query.OrderBy(m => m.Id).Take(take).ToListAsync(ct);
        return new RetroactiveMatchPage([.. rows.Select(r => r.ToDto())], rows.Count == take ? rows[^1].Id : null);
    }
}
