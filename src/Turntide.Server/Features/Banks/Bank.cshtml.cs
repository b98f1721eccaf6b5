using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Banks;

[Authorize(Policy = Policies.PageReadBanks)]
public sealed class BankModel(TurntideDb db, BankService banks) : TurntidePage
{
    public const int PageSize = 50;

    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public int Skip { get; set; }
    public int Take => PageSize;
    public Bank? BankRow { get; private set; }
    public int Total { get; private set; }
    public List<BankContentDto> Items { get; private set; } = [];
    public bool CanCurate { get; private set; }

    [BindProperty] public string SignalType { get; set; } = "pdq";
    [BindProperty] public string SignalValue { get; set; } = "";
    [BindProperty] public string? Labels { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public bool Enabled { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostAddAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        var labels = (Labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        BankContent? added = null;
        if (await TryAsync(async () => added = await banks.AddContentAsync(Actor, Id,
                new NewContent([new SignalDto(SignalType, SignalValue)], labels, Note, null))) is { } r)
            return r;
        if (added is null)
        {
            await LoadAsync();
            return Page();
        }
        Flash("Item added; it matches from now on.");
        return Redirect($"/content/{added.Id}");
    }

    public async Task<IActionResult> OnPostEnabledAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        if (await TryAsync(() => banks.SetBankEnabledAsync(Actor, Id, Enabled)) is { } r)
            return r;
        Flash(Enabled ? "Bank enabled." : "Bank disabled: its items match nothing until it is enabled again.");
        return Redirect($"/banks/{Id}");
    }

    private async Task<IActionResult?> CurateAsync()
    {
        if (!IsHub)
            return NotFound();
        if (!await AllowedAsync(Policies.PageCurateBanks))
            return Forbid();
        return null;
    }

    private async Task<IActionResult?> LoadAsync()
    {
        BankRow = await db.Banks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == Id);
        if (BankRow is null)
            return NotFound();
        Skip = Math.Max(0, Skip);
        var query = db.Contents.AsNoTracking().Where(c => c.BankId == Id);
        Total = await query.CountAsync();
        var items = await query.OrderByDescending(c => c.AddedAt).ThenBy(c => c.Id).Skip(Skip).Take(Take)
            .Include(c => c.Signals).Include(c => c.Labels).AsSplitQuery().ToListAsync();
        Items = [.. items.Select(c => c.ToDto(BankRow.Name))];
        CanCurate = IsHub && await AllowedAsync(Policies.PageCurateBanks);
        return null;
    }
}
