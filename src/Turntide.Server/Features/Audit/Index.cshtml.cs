using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Audit;

[Authorize(Policy = Policies.PageReadAudit)]
internal sealed class AuditModel(TurntideDb db) : TurntidePage
{
    public const int PageSize = 100;
    // Entries read per query, and at most per page: a long run of entries this reader may not see ends the page early
    // (with a link further back) instead of reading the whole log in one request.
    private const int ScanBatch = 500;
    private const int MaxScanned = 20_000;

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }
    public List<AuditEntry> Entries { get; private set; } = [];
    /// <summary>Where the next older page starts; null when the log has nothing older.</summary>
    public long? NextBefore { get; private set; }
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

    /// <summary>
    /// The newest entries before <see cref="Before"/> that this reader may see (<see cref="AuditHistoryFilter"/>): the
    /// filter runs before the page is cut, so a page holds up to <see cref="PageSize"/> visible entries and the next
    /// page starts right after the last entry read, seen or not.
    /// </summary>
    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var filter = await AuditHistoryFilter.ForAsync(db, Actor.OrganisationId, ct);
        long before = Before ?? long.MaxValue;
        int scanned = 0;
        while (Entries.Count < PageSize && scanned < MaxScanned)
        {
            long from = before;
            var batch = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence < from)
                .OrderByDescending(e => e.Sequence).Take(ScanBatch).ToListAsync(ct);
            if (batch.Count == 0)
                break;
            var kept = (await filter.KeepAsync(batch, ct)).Select(e => e.Sequence).ToHashSet();
            foreach (var entry in batch)
            {
                before = entry.Sequence;
                scanned++;
                if (kept.Contains(entry.Sequence))
                {
                    Entries.Add(entry);
                    if (Entries.Count == PageSize)
                        break;
                }
            }
        }
        NextBefore = await db.AuditEntries.AnyAsync(e => e.Sequence < before, ct) ? before : null;
    }
}
