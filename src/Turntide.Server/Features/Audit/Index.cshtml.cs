using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Audit;

[Authorize(Policy = Policies.PageReadAudit)]
public sealed class AuditModel(TurntideDb db) : TurntidePage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }
    public List<AuditEntry> Entries { get; private set; } = [];
    public AuditVerification? Verification { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnGetVerifyAsync()
    {
        Verification = await AuditLog.VerifyAsync(db, HttpContext.RequestAborted);
        if (Request.Headers.ContainsKey("HX-Request"))
            return Partial("_Verification", Verification);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var query = db.AuditEntries.AsNoTracking();
        if (Before is { } before)
            query = query.Where(e => e.Sequence < before);
        Entries = await query.OrderByDescending(e => e.Sequence).Take(PageSize).ToListAsync();
    }
}
