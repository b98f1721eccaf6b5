using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Taxonomy;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Sharing;

/// <summary>
/// The shared signals of every bank the member may see, newest change first, with labels, status, every contributing
/// member and the opinions in figures; filtered by bank, label and status, a page at a time. htmx swaps in the results
/// alone when a filter changes.
/// </summary>
[Authorize(Policy = Policies.PageReadBanks)]
[ForRole(ServerRoles.Hub)]
internal sealed class SharedModel(TurntideDb db, TaxonomyService taxonomy) : SharingPage
{
    public const int PageSize = 25;
    public static readonly IReadOnlyList<string> Statuses = ["enabled", "disabled", "quarantined"];

    [BindProperty(SupportsGet = true)] public Guid? Bank { get; set; }
    [BindProperty(SupportsGet = true)] public string? Label { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public int Skip { get; set; }

    public List<BankDto> Banks { get; private set; } = [];
    public List<TaxonomyTermDto> Terms { get; private set; } = [];
    public List<SharedItemView> Items { get; private set; } = [];
    public int Total { get; private set; }

    public async Task OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        var banks = await db.Banks.AsNoTracking().VisibleTo(db, Actor.OrganisationId).OrderBy(b => b.Name).ToListAsync(ct);
        Banks = [.. banks.Select(b => b.ToDto(0))];
        Terms = [.. (await taxonomy.ListAsync(ct)).Select(t => t.ToDto())];
        await SearchAsync(ct);
    }

    public async Task<IActionResult> OnGetResultsAsync()
    {
        await SearchAsync(HttpContext.RequestAborted);
        return Partial("_SharedResults", this);
    }

    /// <summary>The query string of this search at another offset, for the pager.</summary>
    public string PageLink(int skip) => "?" + string.Join("&", new[]
    {
        Bank is { } b ? "bank=" + b : null,
        string.IsNullOrEmpty(Label) ? null : "label=" + Uri.EscapeDataString(Label),
        string.IsNullOrEmpty(Status) ? null : "status=" + Uri.EscapeDataString(Status),
        "skip=" + skip,
    }.Where(p => p is not null));

    private async Task SearchAsync(CancellationToken ct)
    {
        Skip = Math.Clamp(Skip, 0, 1_000_000);
        var label = Label?.Trim().ToLowerInvariant() ?? "";
        if (label.Length > ContentLabel.MaxLength)
            FieldError("label", $"A label is at most {ContentLabel.MaxLength} characters.");
        var status = Status?.Trim().ToLowerInvariant() ?? "";
        if (status.Length > 0 && !Statuses.Contains(status))
            FieldError("status", "The status is enabled, disabled or quarantined.");
        if (HasFieldErrors)
            return;
        var visible = VisibleBankIds(db);
        var query = db.Contents.AsNoTracking().Where(c => visible.Contains(c.BankId));
        if (Bank is { } bank)
            query = query.Where(c => c.BankId == bank);
        if (label.Length > 0)
            query = query.Where(c => c.Labels.Any(l => l.Label == label));
        if (BankService.ParseStatus(status) is { } s)
            query = query.Where(c => c.Status == s);
        Total = await query.CountAsync(ct);
        var page = await query.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Skip(Skip).Take(PageSize)
            .Include(c => c.Bank).Include(c => c.Signals).Include(c => c.Labels).AsSplitQuery().ToListAsync(ct);
        Items = await SharedItems.ViewsAsync(db, page, ct);
    }
}
