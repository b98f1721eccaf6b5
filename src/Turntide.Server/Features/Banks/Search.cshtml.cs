using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Banks;

/// <summary>
/// Finds items by hash (as matching would: enabled items in enabled banks, PDQ within distance 31) or by label
/// (any status). htmx asks for the results fragment alone while the person types.
/// </summary>
[Authorize(Policy = Policies.PageReadBanks)]
internal sealed class SearchModel(TurntideDb db, SignalCatalog catalog) : TurntidePage
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
        if (q.Length > SignalValue.MaxLineValueLength)
        {
            Error = $"The search is {q.Length} characters long; the limit is {SignalValue.MaxLineValueLength}.";
            return;
        }
        // Private banks the member may not see are left out of both kinds of search: the catalog filters by viewer
        // before its limit, so hidden matches never crowd out visible ones.
        // A hash (pdq, md5, sha256), a link (url, in its canonical form) or a text digest is searched as a signal of every
        // type it is a valid value of; a vPDQ is many lines and is matched through the API, not this one-line box.
        bool hex = q.All(char.IsAsciiHexDigit);
        var types = SignalTypes.Descriptors.Where(t => t.Rule != SignalMatchRule.FrameShares
            && (hex ? q.Length is 32 or 64 && t.Type is SignalType.Pdq or SignalType.Md5 or SignalType.Sha256 : t.Type is SignalType.Url or SignalType.Text));
        foreach (var type in types)
        {
            var (_, canonical, error) = SignalTypes.Validate(type.Name, q);
            if (error is not null)
                continue;
            ByHash = true;
            Matches.AddRange(catalog.Match(type, canonical!, type.DefaultMaxDistance, Limit, CatalogViewer.For(Actor.OrganisationId)));
        }
        if (ByHash)
        {
            Summary = Matches.Count == 0 ? "No enabled item matches this signal." : $"{Matches.Count} matching items, nearest first.";
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
