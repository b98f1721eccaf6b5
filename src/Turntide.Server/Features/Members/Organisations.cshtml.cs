using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

/// <summary>Admins see their own organisation; the forum operator's admins see and create all.</summary>
[Authorize(Policy = Policies.PageManageMembers)]
internal sealed class OrganisationsModel(TurntideDb db, MembersService members) : TurntidePage
{
    public List<Organisation> Organisations { get; private set; } = [];
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string Kind { get; set; } = "";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        Organisation? created = null;
        if (await TryAsync(async () => created = await members.CreateOrganisationAsync(Actor, Name, Kind)) is { } refused)
            return refused;
        if (created is null)
        {
            await LoadAsync();
            return Page();
        }
        Flash($"Organisation {created.Name} created.");
        return Redirect($"/organisations/{created.Id}");
    }

    private async Task LoadAsync()
    {
        var actor = Actor;
        var query = db.Organisations.AsNoTracking();
        if (!actor.IsForumAdmin)
            query = query.Where(o => o.Id == actor.OrganisationId);
        Organisations = await query.OrderBy(o => o.Name).ToListAsync();
    }
}
