using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Banks;

[Authorize(Policy = Policies.PageReadBanks)]
internal sealed class BanksModel(TurntideDb db, BankService banks) : TurntidePage
{
    public List<BankDto> Banks { get; private set; } = [];
    public bool CanCurate { get; private set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string? Description { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!IsHub)
            return NotFound();
        if (!await AllowedAsync(Policies.PageCurateBanks))
            return Forbid();
        Bank? bank = null;
        if (await TryAsync(async () => bank = await banks.CreateBankAsync(Actor, Name, Description)) is { } refused)
            return refused;
        if (bank is null)
        {
            await LoadAsync();
            return Page();
        }
        Flash($"Bank {bank.Name} created.");
        return Redirect($"/banks/{bank.Id}");
    }

    private async Task LoadAsync()
    {
        var rows = await db.Banks.AsNoTracking().VisibleTo(db, Actor.OrganisationId).OrderBy(b => b.Name).Select(b => new { Bank = b, Count = b.Contents.Count }).ToListAsync();
        Banks = [.. rows.Select(r => r.Bank.ToDto(r.Count))];
        CanCurate = IsHub && await AllowedAsync(Policies.PageCurateBanks);
    }
}
