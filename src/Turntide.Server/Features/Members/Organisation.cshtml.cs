using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Members;

/// <summary>An organisation's people and keys; admins of it (or of the forum operator) only.</summary>
[Authorize(Policy = Policies.PageManageMembers)]
public sealed class OrganisationModel(TurntideDb db, MembersService members) : TurntidePage
{
    [FromRoute] public Guid Id { get; set; }
    public Organisation? Org { get; private set; }
    public List<PersonDto> People { get; private set; } = [];
    public List<ApiKey> Keys { get; private set; } = [];
    public IReadOnlyList<string> AllowedRoles => Org is null ? [] : OrganisationKinds.AllowedRoles(Org.Kind);
    public string? NewSecret { get; private set; }

    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string DisplayName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string Role { get; set; } = "";
    [BindProperty] public string KeyName { get; set; } = "";
    [BindProperty] public Guid KeyId { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostPersonAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        if (await TryAsync(() => members.CreatePersonAsync(Actor, Id, Email, DisplayName, Password, [Role])) is { } r)
            return r;
        if (Error is not null)
            return Page();
        Flash($"{DisplayName} added.");
        return Redirect($"/organisations/{Id}");
    }

    public async Task<IActionResult> OnPostKeyAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        string? secret = null;
        if (await TryAsync(async () => secret = (await members.CreateKeyAsync(Actor, Id, Role, KeyName)).Secret) is { } r)
            return r;
        if (Error is null)
        {
            // Rendered into this response only; never stored or redirected through a URL.
            NewSecret = secret;
            await LoadAsync();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        if (!Keys.Any(k => k.Id == KeyId))
            return NotFound();
        if (await TryAsync(() => members.RevokeKeyAsync(Actor, KeyId)) is { } r)
            return r;
        Flash("Key revoked.");
        return Redirect($"/organisations/{Id}");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        Org = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == Id);
        if (Org is null)
            return NotFound();
        if (!Actor.MayManage(Org.Id))
            return Forbid();
        var people = await db.Users.AsNoTracking().Where(p => p.OrganisationId == Id).OrderBy(p => p.DisplayName).ToListAsync();
        var roleNames = await (from ur in db.UserRoles
                               join r in db.Roles on ur.RoleId equals r.Id
                               join p in db.Users on ur.UserId equals p.Id
                               where p.OrganisationId == Id
                               select new { ur.UserId, r.Name }).ToListAsync();
        People = [.. people.Select(p => p.ToDto([.. roleNames.Where(x => x.UserId == p.Id).Select(x => x.Name!)]))];
        Keys = await db.ApiKeys.AsNoTracking().Where(k => k.OrganisationId == Id).OrderBy(k => k.CreatedAt).ToListAsync();
        return null;
    }
}
