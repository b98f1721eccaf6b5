using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Signals;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Banks;

/// <summary>
/// Finds items by hash (as matching would: enabled items in enabled banks, PDQ within distance 31) or by label
/// (any status). htmx asks for the results fragment alone while the person types.
/// </summary>
[Authorize(Policy = Policies.PageReadBanks)]
public sealed class SearchModel(TurntideDb db, SignalCatalog catalog) : TurntidePage
{
    public const int Limit = 100;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    public List<MatchDto> Matches { get; } = [];
    public string Summary { get; private set; } = "";
    public bool ByHash { get; private set; }

    public async Task OnGetAsync() => await SearchAsync();

    public async Task<IActionResult> OnGetResultsAsync()
    {
        await SearchAsync();
        return Partial("_SearchResults", this);
    }

    private async Task SearchAsync()
    {
        var q = Q?.Trim() ?? "";
        if (q.Length == 0)
            return;
        if (q.Length > SignalTypes.MaxValueLength)
        {
            Error = $"The search is {q.Length} characters long; the limit is {SignalTypes.MaxValueLength}.";
            return;
        }
        // Private banks the member may not see are left out of both kinds of search: the catalog filters by viewer
        // before its limit, so hidden matches never crowd out visible ones.
        bool hex = q.All(char.IsAsciiHexDigit);
        if (hex && q.Length is 32 or 64)
        {
            ByHash = true;
            foreach (var type in SignalTypes.All)
            {
                var (_, canonical, error) = SignalTypes.Validate(type.Name, q);
                if (error is null)
                    Matches.AddRange(catalog.Match(type, canonical!, type.DefaultMaxDistance, Limit, CatalogViewer.For(Actor.OrganisationId)));
            }
            Summary = Matches.Count == 0 ? "No enabled item matches this hash." : $"{Matches.Count} matching items, nearest first.";
            return;
        }
        var label = q.ToLowerInvariant();
        var rows = await db.Labels.AsNoTracking().Where(l => l.Label.StartsWith(label))
            .Join(db.Contents, l => l.ContentId, c => c.Id, (l, c) => c)
            .Where(c => db.Banks.VisibleTo(db, Actor.OrganisationId).Any(b => b.Id == c.BankId))
            .Distinct().OrderByDescending(c => c.AddedAt).Take(Limit)
            .Include(c => c.Bank).Include(c => c.Labels).Include(c => c.Signals).AsSplitQuery().ToListAsync();
        foreach (var c in rows)
            Matches.Add(new MatchDto(c.Bank!.Name, c.BankId, c.Id, [.. c.Labels.Select(l => l.Label).Order()],
                c.Signals.FirstOrDefault()?.SignalType ?? "", 0));
        Summary = rows.Count == 0 ? $"No item has a label starting with '{label}'." : $"{rows.Count} items with a label starting with '{label}'.";
    }
}
