using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;
using Turntide.Server.Features.Taxonomy;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Sharing;

/// <summary>An opinion as the page shows it: with the name of the member that gave it.</summary>
internal sealed record OpinionView(OpinionDto Opinion, string Organisation);

/// <summary>
/// One shared item: its signals, labels, every contributing member, its history and every member's opinion; the
/// viewer's member gives or changes its opinion here and retracts its own contribution. An item of a bank the member
/// may not see answers 404, as if it did not exist.
/// </summary>
[Authorize(Policy = Policies.PageReadBanks)]
[ForRole(ServerRoles.Hub)]
internal sealed class ItemModel(TurntideDb db, BankService banks, OpinionService opinions, ContributionService contributions,
    TaxonomyService taxonomy) : SharingPage
{
    public static readonly IReadOnlyList<(string Kind, string Text)> Kinds =
    [
        (OpinionKinds.Agree, "Agree: the item is what its labels say"),
        (OpinionKinds.Disagree, "Disagree: it should not be shared at all"),
        (OpinionKinds.DisagreeWithLabels, "Disagree with the labels: it belongs, with the labels I pick"),
        (OpinionKinds.SawThisToo, "Saw this too: we met it on our service"),
    ];

    [FromRoute] public Guid Id { get; set; }
    public SharedItemView? View { get; private set; }
    public List<OpinionView> Opinions { get; private set; } = [];
    public OpinionDto? Mine { get; private set; }
    public List<AuditEntry> History { get; private set; } = [];
    public List<TaxonomyTermDto> Terms { get; private set; } = [];
    public bool CanGiveOpinion { get; private set; }
    public bool CanRetract { get; private set; }

    /// <summary>The opinion form's values: what was posted, or the member's current opinion.</summary>
    public string FormKind { get; private set; } = "";
    public IReadOnlyCollection<string> FormLabels { get; private set; } = [];
    public string FormNote { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostOpinionAsync(string? opinion, List<string>? labels, string? note)
    {
        if (!await AllowedAsync(Policies.PageGiveOpinion))
            return Forbid();
        if (await LoadAsync() is { } missing)
            return missing;
        labels ??= [];
        FormKind = opinion ?? "";
        FormLabels = labels;
        FormNote = note ?? "";
        if (!OpinionKinds.All.Contains(FormKind))
            FieldError("opinion", "Pick one of the four opinions.");
        else if (FormKind == OpinionKinds.DisagreeWithLabels && labels.Count == 0)
            FieldError("labels", "Pick the labels you would give the item.");
        else if (FormKind != OpinionKinds.DisagreeWithLabels && labels.Count > 0)
            FieldError("labels", "Only “disagree with the labels” carries labels: clear them, or pick that opinion.");
        if (labels.Count > BankContent.MaxLabels)
            FieldError("labels", $"Pick at most {BankContent.MaxLabels} labels, not {labels.Count}.");
        if (FormNote.Trim().Length > BankContent.MaxNoteLength)
            FieldError("note", $"The note is {FormNote.Trim().Length} characters long; the limit is {BankContent.MaxNoteLength}.");
        if (HasFieldErrors)
            return Page();
        OpinionResult? result = null;
        if (await TryAsync(async () => result = await opinions.GiveAsync(Actor, Id, new NewOpinion(FormKind, note, labels))) is { } refused)
            return refused;
        if (result is null)
            return Page();
        Flash(result.Quarantined
            ? "Opinion recorded. Enough members disagree: the item is quarantined (it matches nothing) until the forum operator decides."
            : $"Opinion recorded. Confidence is now {result.Summary.Confidence:0.00}.");
        return Redirect($"/shared/{Id}");
    }

    public async Task<IActionResult> OnPostRetractAsync(Guid contribution)
    {
        if (!await AllowedAsync(Policies.PageCurateBanks))
            return Forbid();
        if (await LoadAsync() is { } missing)
            return missing;
        // Another member's contribution is answered as missing, as the API does (docs/ownership.md).
        if (View!.Provenance.All(p => p.ContributionId != contribution || p.OrganisationId != Actor.OrganisationId))
            return NotFound();
        if (await TryAsync(() => contributions.RetractAsync(Actor, contribution)) is { } refused)
            return refused;
        if (Error is not null)
            return Page();
        bool gone = !await db.Contents.AnyAsync(c => c.Id == Id);
        Flash(gone ? "Contribution retracted: the item came from it alone and is deleted." : "Contribution retracted.");
        return Redirect(gone ? "/shared" : $"/shared/{Id}");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            await BankVisibility.RequireContentVisibleAsync(db, Actor, Id, ct);
        }
        catch (DomainException)
        {
            return NotFound();
        }
        var content = await db.Contents.AsNoTracking().Include(c => c.Bank).Include(c => c.Signals).Include(c => c.Labels)
            .AsSplitQuery().FirstAsync(c => c.Id == Id, ct);
        View = (await SharedItems.ViewsAsync(db, [content], ct))[0];
        var (_, list) = await opinions.ListAsync(Actor, Id, ct);
        var names = await OrganisationNamesAsync(db, list.Select(o => o.OrganisationId), ct);
        Opinions = [.. list.Select(o => new OpinionView(o, names.GetValueOrDefault(o.OrganisationId, "(unknown)")))];
        Mine = list.FirstOrDefault(o => o.OrganisationId == Actor.OrganisationId);
        FormKind = Mine?.Opinion ?? "";
        FormLabels = Mine?.Labels ?? [];
        FormNote = Mine?.Note ?? "";
        History = await banks.HistoryAsync(Id, ct);
        Terms = await ActiveTermsAsync(taxonomy, ct);
        CanGiveOpinion = await AllowedAsync(Policies.PageGiveOpinion);
        CanRetract = await AllowedAsync(Policies.PageCurateBanks);
        return null;
    }
}
