using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Taxonomy;

/// <summary>The label vocabulary: everyone who works with banks reads it, the forum operator edits it.</summary>
[Authorize(Policy = Policies.PageReadBanks)]
public sealed class TaxonomyModel(TaxonomyService taxonomy) : TurntidePage
{
    public List<TaxonomyTermDto> Terms { get; private set; } = [];
    public bool CanEdit { get; private set; }
    [BindProperty] public string? Label { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public bool Active { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostAsync() =>
        EditAsync(() => taxonomy.AddAsync(Actor, new NewTerm(Label ?? "", Description)), $"Term {Label} added.");

    public Task<IActionResult> OnPostActiveAsync() =>
        EditAsync(() => taxonomy.ChangeAsync(Actor, Label ?? "", new TermChanges(null, Active)),
            $"Term {Label} {(Active ? "restored" : "retired")}.");

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
