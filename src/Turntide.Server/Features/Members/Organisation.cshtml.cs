using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

/// <summary>An organisation's people and keys; admins of it (or of the forum operator) only.</summary>
[Authorize(Policy = Policies.PageManageMembers)]
internal sealed class OrganisationModel(TurntideDb db, MembersService members, IOptions<MembersOptions> options) : TurntidePage
{
    [FromRoute] public Guid Id { get; set; }
    public Organisation? Org { get; private set; }
    public List<PersonDto> People { get; private set; } = [];
    public List<ApiKey> Keys { get; private set; } = [];
    public IReadOnlyList<string> AllowedRoles => Org is null ? [] : OrganisationKinds.AllowedRoles(Org.Kind);
    /// <summary>The role the forms offer first: the one with the least rights.</summary>
    public string DefaultRole => Org is null ? Roles.Moderator : OrganisationKinds.LeastPrivilegedRole(Org.Kind);
    public int DefaultExpiryDays => options.Value.ApiKeyDefaultExpiryDays;
    public string? NewSecret { get; private set; }
    /// <summary>After a rotation: the key the new one replaces, still working until revoked.</summary>
    public ApiKey? Replaced { get; private set; }
    /// <summary>A one-time password from a forced reset, shown in this response only.</summary>
    public string? OneTimePassword { get; private set; }
    public PersonDto? OneTimePasswordFor { get; private set; }
    public Confirmation? Confirm { get; private set; }

    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string DisplayName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string Role { get; set; } = "";
    [BindProperty] public string KeyName { get; set; } = "";
    [BindProperty] public string? KeyScope { get; set; }
    [BindProperty] public int? ExpiresInDays { get; set; }
    [BindProperty] public Guid KeyId { get; set; }
    [BindProperty] public Guid PersonId { get; set; }
    [BindProperty] public List<string> PersonRoles { get; set; } = [];
    [BindProperty] public bool Confirmed { get; set; }

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
        if (await TryAsync(async () => secret = (await members.CreateKeyAsync(Actor, Id, new NewKey(KeyName, Role, KeyScope, ExpiresInDays))).Secret) is { } r)
            return r;
        if (Error is null)
        {
            // Rendered into this response only; never stored or redirected through a URL.
            NewSecret = secret;
            await LoadAsync();
        }
        return Page();
    }

    /// <summary>Rotation, first half: the replacement's secret is shown, and the old key is offered for revocation.</summary>
    public async Task<IActionResult> OnPostRotateAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        var old = Keys.FirstOrDefault(k => k.Id == KeyId);
        if (old is null)
            return NotFound();
        string? secret = null;
        if (await TryAsync(async () => secret = (await members.RotateKeyAsync(Actor, KeyId)).Secret) is { } r)
            return r;
        if (Error is null)
        {
            NewSecret = secret;
            Replaced = old;
            await LoadAsync();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        var key = Keys.FirstOrDefault(k => k.Id == KeyId);
        if (key is null)
            return NotFound();
        if (!Confirmed)
        {
            Confirm = new Confirmation($"Revoke the key {key.Name} ({key.Prefix})?",
                $"Every request with this key is refused from now on, and its open exchange streams close. " +
                $"Whatever uses it ({key.Role}{(key.Scope is null ? "" : ", scope " + key.Scope)}) stops working until given another key. This cannot be undone.",
                "Revoke", $"Revoke {key.Name}", new Dictionary<string, string> { ["KeyId"] = key.Id.ToString() }, $"/organisations/{Id}");
            return Page();
        }
        if (await TryAsync(() => members.RevokeKeyAsync(Actor, KeyId)) is { } r)
            return r;
        Flash($"Key {key.Prefix} revoked.");
        return Redirect($"/organisations/{Id}");
    }

    public async Task<IActionResult> OnPostRolesAsync() =>
        await ChangePersonAsync(p => members.ChangeRolesAsync(Actor, p.Id, PersonRoles), p => $"Roles of {p.DisplayName} changed; they sign in again to use them.");

    public async Task<IActionResult> OnPostLockAsync() =>
        await ChangePersonAsync(p => members.SetLockedAsync(Actor, p.Id, true), p => $"{p.DisplayName} is locked and signed out.");

    public async Task<IActionResult> OnPostUnlockAsync() =>
        await ChangePersonAsync(p => members.SetLockedAsync(Actor, p.Id, false), p => $"{p.DisplayName} is unlocked.");

    public async Task<IActionResult> OnPostEndSessionsAsync() =>
        await ChangePersonAsync(p => members.EndSessionsAsync(Actor, p.Id), p => $"Every session of {p.DisplayName} has ended.");

    public async Task<IActionResult> OnPostResetPasswordAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        var person = People.FirstOrDefault(p => p.Id == PersonId);
        if (person is null)
            return NotFound();
        string? oneTime = null;
        if (await TryAsync(async () => oneTime = await members.ForcePasswordResetAsync(Actor, person.Id)) is { } r)
            return r;
        if (Error is null)
        {
            OneTimePassword = oneTime;
            OneTimePasswordFor = person;
            await LoadAsync();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        if (await LoadAsync() is { } refused)
            return refused;
        var person = People.FirstOrDefault(p => p.Id == PersonId);
        if (person is null)
            return NotFound();
        if (!Confirmed)
        {
            Confirm = new Confirmation($"Remove {person.DisplayName} ({person.Email}) from {Org!.Name}?",
                $"{person.DisplayName} is signed out everywhere and can no longer sign in; their roles ({string.Join(", ", person.Roles)}) go with them. " +
                "What they did stays in the audit log under their name. To let them back, add them again as a new person.",
                "Remove", $"Remove {person.DisplayName}", new Dictionary<string, string> { ["PersonId"] = person.Id.ToString() }, $"/organisations/{Id}");
            return Page();
        }
        if (await TryAsync(() => members.RemovePersonAsync(Actor, person.Id)) is { } r)
            return r;
        if (Error is not null)
            return Page();
        Flash($"{person.DisplayName} removed.");
        return Redirect($"/organisations/{Id}");
    }

    private async Task<IActionResult> ChangePersonAsync(Func<PersonDto, Task> change, Func<PersonDto, string> done)
    {
        if (await LoadAsync() is { } refused)
            return refused;
        var person = People.FirstOrDefault(p => p.Id == PersonId);
        if (person is null)
            return NotFound();
        if (await TryAsync(() => change(person)) is { } r)
            return r;
        if (Error is not null)
            return Page();
        Flash(done(person));
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
