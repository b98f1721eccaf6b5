using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Taxonomy;

/// <summary>The label vocabulary: everyone who works with banks reads it, the forum operator edits it.</summary>
[Authorize(Policy = Policies.PageReadBanks)]
internal sealed class TaxonomyModel(TaxonomyService taxonomy, BankService bankService) : TurntidePage
{
    public List<TaxonomyTermDto> Terms { get; private set; } = [];
    public bool CanEdit { get; private set; }
    [BindProperty] public string? Label { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public bool Active { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostAsync() =>
        EditAsync(() => taxonomy.AddAsync(Actor, new NewTerm(Label ?? "", Description)), $"Term {Label} added.");

    [BindProperty] public bool Confirmed { get; set; }
    /// <summary>The confirmation a retirement waits for (see <see cref="Confirmation"/>).</summary>
    public Confirmation? Confirm { get; private set; }

    public async Task<IActionResult> OnPostActiveAsync()
    {
        if (!Active && !Confirmed && IsHub && await AllowedAsync(Policies.PageManageTaxonomy))
        {
            TaxonomyTerm? term = null;
            if (await TryAsync(async () => term = await taxonomy.FindAsync(Label ?? "")) is { } missing)
                return missing;
            if (term is { Active: true })
            {
                var (items, banks) = await bankService.LabelUsageAsync(term.Label);
                Confirm = new Confirmation($"Retire the term {term.Label}?",
                    $"{items} {(items == 1 ? "item" : "items")} in {banks} {(banks == 1 ? "bank" : "banks")} {(items == 1 ? "carries" : "carry")} {term.Label}. They keep it, "
                    + "but no item, contribution or opinion can be given it anew until it is restored.",
                    "Active", $"Retire {term.Label}", new Dictionary<string, string> { ["Label"] = term.Label, ["Active"] = "false" }, "/taxonomy");
                await LoadAsync();
                return Page();
            }
        }
        return await EditAsync(() => taxonomy.ChangeAsync(Actor, Label ?? "", new TermChanges(null, Active)),
            $"Term {Label} {(Active ? "restored" : "retired")}.");
    }

    private async Task<IActionResult> EditAsync(Func<Task> change, string done)
    {
        if (!IsHub)
            return NotFound();
        if (!await AllowedAsync(Policies.PageManageTaxonomy))
            return Forbid();
        bool ok = false;
        if (await TryAsync(async () => { await change(); ok = true; }) is { } refused)
            return refused;
        if (!ok)
        {
            await LoadAsync();
            return Page();
        }
        Flash(done);
        return Redirect("/taxonomy");
    }

    private async Task LoadAsync()
    {
        Terms = [.. (await taxonomy.ListAsync()).Select(t => t.ToDto())];
        CanEdit = IsHub && await AllowedAsync(Policies.PageManageTaxonomy);
    }
}
