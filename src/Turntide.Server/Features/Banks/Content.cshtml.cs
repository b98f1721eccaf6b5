using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Banks;

[Authorize(Policy = Policies.PageReadBanks)]
internal sealed class ContentModel(TurntideDb db, BankService banks) : TurntidePage
{
    [FromRoute] public Guid Id { get; set; }
    public BankContentDto? Item { get; private set; }
    public string AddedByOrganisation { get; private set; } = "";
    public List<AuditEntry> History { get; private set; } = [];
    public bool CanCurate { get; private set; }

    [BindProperty] public string? Status { get; set; }
    [BindProperty] public string? Labels { get; set; }
    [BindProperty] public string? Note { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!IsHub)
            return NotFound();
        if (!await AllowedAsync(Policies.PageCurateBanks))
            return Forbid();
        if (!await VisibleAsync())
            return NotFound();
        var labels = (Labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (await TryAsync(() => banks.UpdateContentAsync(Actor, Id, new ContentChanges(Status, labels, Note ?? ""))) is { } r)
            return r;
        if (Error is not null)
            return await LoadAsync() ?? Page();
        Flash("Item saved.");
        return Redirect($"/content/{Id}");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        if (!await VisibleAsync())
            return NotFound();
        BankContent content;
        try
        {
            content = await banks.LoadContentAsync(Id);
        }
        catch (DomainException)
        {
            return NotFound();
        }
        Item = content.ToDto(content.Bank!.Name);
        AddedByOrganisation = await db.Organisations.Where(o => o.Id == content.AddedByOrganisationId).Select(o => o.Name).FirstOrDefaultAsync() ?? "";
        History = await banks.HistoryAsync(Id);
        // Only the bank's curators are offered the change form; the service refuses anyone else (BankOwnership).
        CanCurate = IsHub && await AllowedAsync(Policies.PageCurateBanks)
            && await BankOwnership.MayCurateAsync(db, Actor, content.Bank, HttpContext.RequestAborted);
        return null;
    }

    /// <summary>An item of a private bank the member may not see is answered as missing.</summary>
    private async Task<bool> VisibleAsync()
    {
        try
        {
            await BankVisibility.RequireContentVisibleAsync(db, Actor, Id, HttpContext.RequestAborted);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }
}
