using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Sharing;

/// <summary>A quarantine case with the item it holds and the opinions that put it there.</summary>
internal sealed record CaseView(QuarantineCaseDto Case, BankContentDto? Item, IReadOnlyList<OpinionView> Opinions);

/// <summary>
/// The forum operator's quarantine queue: items that members' disagreement took out of matching, each restored (it
/// matches again) or disabled with a note, and the cases closed most recently. Like the API's queue it lists every
/// case, whichever bank holds the item: deciding them is the operator's duty.
/// </summary>
[Authorize(Policy = Policies.PageReviewQuarantine)]
[ForRole(ServerRoles.Hub)]
internal sealed class QuarantineModel(TurntideDb db, OpinionService opinions) : SharingPage
{
    public const int RecentlyClosed = 20;

    public List<CaseView> Open { get; private set; } = [];
    public List<CaseView> Closed { get; private set; } = [];
    /// <summary>The case a refused decision was about, so its message shows next to its form.</summary>
    public Guid? FailedCase { get; private set; }
    public string FailedNote { get; private set; } = "";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(Guid caseId, string? decision, string? note)
    {
        FailedCase = caseId;
        FailedNote = note ?? "";
        if (decision is not ("restore" or "disable"))
            FieldError("decision", "Choose restore or disable.");
        if (FailedNote.Trim().Length > BankContent.MaxNoteLength)
            FieldError("note", $"The note is {FailedNote.Trim().Length} characters long; the limit is {BankContent.MaxNoteLength}.");
        if (!HasFieldErrors && !await db.QuarantineCases.AnyAsync(q => q.Id == caseId, HttpContext.RequestAborted))
            Error = "There is no such quarantine case.";
        if (!HasFieldErrors && Error is null)
        {
            QuarantineCaseDto? resolved = null;
            if (await TryAsync(async () => resolved = await opinions.ResolveAsync(Actor, caseId, new QuarantineDecision(decision!, note))) is { } refused)
                return refused;
            if (resolved is not null)
            {
                Flash(resolved.State == QuarantineCase.Restored
                    ? "Restored: the item matches again."
                    : "Disabled: the item stays in its bank for the record and matches nothing.");
                return Redirect("/quarantine");
            }
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var open = await opinions.QueueAsync(openOnly: true, ct);
        var closed = (await db.QuarantineCases.AsNoTracking().Where(q => q.State != QuarantineCase.Open)
            .OrderByDescending(q => q.ResolvedAt).ThenByDescending(q => q.Id).Take(RecentlyClosed).ToListAsync(ct)).Select(q => q.ToDto()).ToList();
        var ids = open.Concat(closed).Select(q => q.ContentId).Distinct().ToList();
        var items = await db.Contents.AsNoTracking().Where(c => ids.Contains(c.Id)).Include(c => c.Bank).Include(c => c.Labels).Include(c => c.Signals)
            .AsSplitQuery().ToDictionaryAsync(c => c.Id, c => c.ToDto(c.Bank!.Name), ct);
        var openIds = open.Select(q => q.ContentId).ToList();
        var given = await db.Opinions.AsNoTracking().Where(o => openIds.Contains(o.ContentId)).ToListAsync(ct);
        var names = await OrganisationNamesAsync(db, given.Select(o => o.OrganisationId), ct);
        List<OpinionView> OpinionsOf(Guid contentId) => [.. given.Where(o => o.ContentId == contentId).OrderBy(o => o.GivenAt)
            .Select(o => new OpinionView(o.ToDto(), names.GetValueOrDefault(o.OrganisationId, "(unknown)")))];
        Open = [.. open.Select(q => new CaseView(q, items.GetValueOrDefault(q.ContentId), OpinionsOf(q.ContentId)))];
        Closed = [.. closed.Select(q => new CaseView(q, items.GetValueOrDefault(q.ContentId), []))];
    }
}
