using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;

namespace Turntide.Server.Features.Members;

/// <summary>What a new key is to be: its name, role, optional scope and life in days (the configured default when null).</summary>
internal sealed record NewKey(string Name, string Role, string? Scope = null, int? ExpiresInDays = null);

/// <summary>Organisations, people and API keys: every change audited, every change checked against who asks.</summary>
internal sealed class MembersService(TurntideDb db, UserManager<Person> users, AuditLog audit, ApiKeyStore keys,
    SessionStamps sessions, IOptions<MembersOptions> options)
{
    public async Task<Organisation> CreateOrganisationAsync(Actor actor, string name, string kind, CancellationToken ct = default)
    {
        if (!actor.IsForumAdmin)
            throw new DomainException("Only the forum operator's admins create organisations.", StatusCodes.Status403Forbidden);
        name = RequireText(name, "name", Organisation.MaxNameLength);
        kind = kind.Trim().ToLowerInvariant();
        if (!OrganisationKinds.IsKnown(kind))
            throw new DomainException($"Unknown organisation kind '{kind}': use {string.Join(", ", OrganisationKinds.All)}.");
        var normalized = name.ToUpperInvariant();
        if (await db.Organisations.AnyAsync(o => o.NormalizedName == normalized, ct))
            throw new DomainException($"An organisation named '{name}' already exists.", StatusCodes.Status409Conflict);

        await using var scope = await audit.BeginAsync(ct);
        var org = new Organisation { Name = name, NormalizedName = normalized, Kind = kind, CreatedAt = Timestamps.Now() };
        db.Organisations.Add(org);
        scope.Record(actor, "organisation.create", "organisation", org.Id.ToString(), null, org.ToDto());
        await scope.CommitAsync(ct);
        return org;
    }

    public async Task<Organisation> FindOrganisationAsync(string idOrName, CancellationToken ct = default)
    {
        var org = Guid.TryParse(idOrName, out var id)
            ? await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, ct)
            : await db.Organisations.FirstOrDefaultAsync(o => o.NormalizedName == idOrName.Trim().ToUpperInvariant(), ct);
        return org ?? throw new DomainException($"No organisation '{idOrName}'.", StatusCodes.Status404NotFound);
    }

    public async Task<Person> CreatePersonAsync(Actor actor, Guid organisationId, string email, string displayName,
        string password, IReadOnlyList<string> roles, CancellationToken ct = default)
    {
        var org = await db.Organisations.FirstOrDefaultAsync(o => o.Id == organisationId, ct)
            ?? throw new DomainException("No such organisation.", StatusCodes.Status404NotFound);
        if (!actor.MayManage(org.Id))
            throw new DomainException("Only an admin of this organisation or of the forum operator may add people to it.", StatusCodes.Status403Forbidden);
        email = RequireText(email, "email", 254).ToLowerInvariant();
        displayName = RequireText(displayName, "display name", Person.MaxDisplayNameLength);
        CheckRoles(org, roles);

        await using var scope = await audit.BeginAsync(ct);
        var person = new Person
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName,
            OrganisationId = org.Id, CreatedAt = Timestamps.Now(), LockoutEnabled = true,
        };
        Check(await users.CreateAsync(person, password));
        Check(await users.AddToRolesAsync(person, roles));
        scope.Record(actor, "person.create", "person", person.Id.ToString(), null, person.ToDto(roles));
        await scope.CommitAsync(ct);
        return person;
    }

    /// <summary>Creates a key and returns it with its secret, which is never shown again.</summary>
    public Task<(ApiKey Key, string Secret)> CreateKeyAsync(Actor actor, Guid organisationId, string role, string name, CancellationToken ct = default) =>
        CreateKeyAsync(actor, organisationId, new NewKey(name, role), ct);

    /// <summary>Creates a key and returns it with its secret, which is never shown again.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateKeyAsync(Actor actor, Guid organisationId, NewKey request, CancellationToken ct = default)
    {
        var org = await db.Organisations.FirstOrDefaultAsync(o => o.Id == organisationId, ct)
            ?? throw new DomainException("No such organisation.", StatusCodes.Status404NotFound);
        if (!actor.MayManage(org.Id))
            throw new DomainException("Only an admin of this organisation or of the forum operator may create its keys.", StatusCodes.Status403Forbidden);
        var (key, secret) = NewKeyFor(actor, org, request);
        await using var scope = await audit.BeginAsync(ct);
        db.ApiKeys.Add(key);
        scope.Record(actor, "key.create", "api_key", key.Id.ToString(), null, key.ToDto());
        await scope.CommitAsync(ct);
        return (key, secret);
    }

    /// <summary>
    /// The first half of a rotation: a replacement with the old key's name, role and scope (and a fresh default life),
    /// returned with its secret. The old key keeps working until it is revoked, so the holder can switch over first.
    /// </summary>
    public async Task<(ApiKey Key, string Secret)> RotateKeyAsync(Actor actor, Guid keyId, CancellationToken ct = default)
    {
        var old = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct)
            ?? throw new DomainException("No such API key.", StatusCodes.Status404NotFound);
        if (!actor.MayManage(old.OrganisationId))
            throw new DomainException("Only an admin of the key's organisation or of the forum operator may rotate it.", StatusCodes.Status403Forbidden);
        if (old.RevokedAt is not null)
            throw new DomainException($"The key {old.Prefix} is revoked already; create a new key instead.", StatusCodes.Status409Conflict);
        var org = await db.Organisations.FirstAsync(o => o.Id == old.OrganisationId, ct);
        var (key, secret) = NewKeyFor(actor, org, new NewKey(old.Name, old.Role, old.Scope));
        await using var scope = await audit.BeginAsync(ct);
        db.ApiKeys.Add(key);
        scope.Record(actor, "key.create", "api_key", key.Id.ToString(), null, key.ToDto());
        scope.Record(actor, "key.rotate", "api_key", old.Id.ToString(), old.ToDto(), new { replaced_by = key.Id, replacement_prefix = key.Prefix });
        await scope.CommitAsync(ct);
        return (key, secret);
    }

    private (ApiKey Key, string Secret) NewKeyFor(Actor actor, Organisation org, NewKey request)
    {
        var name = RequireText(request.Name, "key name", ApiKey.MaxNameLength);
        CheckRoles(org, [request.Role]);
        var scopeName = string.IsNullOrWhiteSpace(request.Scope) ? null : request.Scope.Trim().ToLowerInvariant();
        if (scopeName is not null && !KeyScopes.IsKnown(scopeName))
            throw new DomainException($"Unknown key scope '{request.Scope}': use {string.Join(", ", KeyScopes.All)}, or none for the role's full rights.");
        int days = request.ExpiresInDays ?? options.Value.ApiKeyDefaultExpiryDays;
        if (days is < 1 or > ApiKey.MaxExpiryDays)
            throw new DomainException($"A key lasts 1 to {ApiKey.MaxExpiryDays} days, not {days}.");
        var (prefix, secret, hash) = ApiKeyStore.Generate();
        var now = Timestamps.Now();
        var key = new ApiKey
        {
            Name = name, Prefix = prefix, SecretHash = hash, OrganisationId = org.Id, Role = request.Role, Scope = scopeName,
            CreatedAt = now, ExpiresAt = now.AddDays(days),
            CreatedByPersonId = actor.Kind == Actor.PersonKind && Guid.TryParse(actor.Id, out var p) ? p : null,
        };
        return (key, secret);
    }

    public async Task RevokeKeyAsync(Actor actor, Guid keyId, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct)
            ?? throw new DomainException("No such API key.", StatusCodes.Status404NotFound);
        if (!actor.MayManage(key.OrganisationId))
            throw new DomainException("Only an admin of the key's organisation or of the forum operator may revoke it.", StatusCodes.Status403Forbidden);
        if (key.RevokedAt is not null)
            return;
        await using var scope = await audit.BeginAsync(ct);
        var before = key.ToDto();
        key.RevokedAt = Timestamps.Now();
        scope.Record(actor, "key.revoke", "api_key", key.Id.ToString(), before, key.ToDto());
        await scope.CommitAsync(ct);
        keys.Forget(key.Prefix, key.Id);
    }

    /// <summary>
    /// Replaces a person's roles. Nobody raises their own: a change to oneself may not bring a capability one lacks
    /// (an admin, who holds them all, may step down to analyst; an analyst may not become admin).
    /// </summary>
    public async Task ChangeRolesAsync(Actor actor, Guid personId, IReadOnlyList<string> roles, CancellationToken ct = default)
    {
        var (person, org) = await ManagedPersonAsync(actor, personId, "change the roles of", ct);
        roles = [.. roles.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct()];
        CheckRoles(org, roles);
        var before = await RolesOfAsync(person);
        var added = roles.Except(before).ToList();
        var removed = before.Except(roles).ToList();
        if (added.Count == 0 && removed.Count == 0)
            return;
        if (IsSelf(actor, person) && Policies.CapabilitiesOf(roles).Except(Policies.CapabilitiesOf(before)).Any())
            throw new DomainException("You cannot give yourself rights you do not hold; ask another admin.", StatusCodes.Status403Forbidden);
        if (removed.Contains(Roles.Admin))
            await RequireAnotherAdminAsync(org, person, "demoted", ct);

        await using var scope = await audit.BeginAsync(ct);
        if (removed.Count > 0)
            Check(await users.RemoveFromRolesAsync(person, removed));
        if (added.Count > 0)
            Check(await users.AddToRolesAsync(person, added));
        // The cookie carries the roles, so the person signs in again to take up the new ones.
        Check(await users.UpdateSecurityStampAsync(person));
        scope.Record(actor, "person.roles", "person", person.Id.ToString(), person.ToDto(before), person.ToDto(roles));
        await scope.CommitAsync(ct);
        sessions.Forget(person.Id);
    }

    /// <summary>Locks (without end) or unlocks a person; a lock ends their sessions and refuses their sign-ins.</summary>
    public async Task SetLockedAsync(Actor actor, Guid personId, bool locked, CancellationToken ct = default)
    {
        var (person, org) = await ManagedPersonAsync(actor, personId, locked ? "lock" : "unlock", ct);
        if (locked && IsSelf(actor, person))
            throw new DomainException("You cannot lock yourself out; ask another admin.");
        if (locked == person.LockedByAdmin)
            return;
        var roles = await RolesOfAsync(person);
        if (locked && roles.Contains(Roles.Admin))
            await RequireAnotherAdminAsync(org, person, "locked", ct);

        await using var scope = await audit.BeginAsync(ct);
        var before = person.ToDto(roles);
        Check(await users.SetLockoutEnabledAsync(person, true));
        Check(await users.SetLockoutEndDateAsync(person, locked ? Person.AdminLockEnd : null));
        if (locked)
            Check(await users.UpdateSecurityStampAsync(person));
        else
            Check(await users.ResetAccessFailedCountAsync(person));
        scope.Record(actor, locked ? "person.lock" : "person.unlock", "person", person.Id.ToString(), before, person.ToDto(roles));
        await scope.CommitAsync(ct);
        sessions.Forget(person.Id);
    }

    /// <summary>Removes a person: their sessions end, and the audit trail of what they did stays (it names them by id and name).</summary>
    public async Task RemovePersonAsync(Actor actor, Guid personId, CancellationToken ct = default)
    {
        var (person, org) = await ManagedPersonAsync(actor, personId, "remove", ct);
        if (IsSelf(actor, person))
            throw new DomainException("You cannot remove yourself; ask another admin.");
        var roles = await RolesOfAsync(person);
        if (roles.Contains(Roles.Admin))
            await RequireAnotherAdminAsync(org, person, "removed", ct);

        await using var scope = await audit.BeginAsync(ct);
        var before = person.ToDto(roles);
        Check(await users.DeleteAsync(person));
        scope.Record(actor, "person.remove", "person", person.Id.ToString(), before, null);
        await scope.CommitAsync(ct);
        sessions.Forget(person.Id);
    }

    /// <summary>
    /// Forces a new password: the old one stops working and the person's sessions end; the returned one-time password
    /// (shown once to the admin, who hands it over) signs in only to choose a new password, within
    /// <see cref="Person.OneTimePasswordLifetime"/>.
    /// </summary>
    public async Task<string> ForcePasswordResetAsync(Actor actor, Guid personId, CancellationToken ct = default)
    {
        var (person, _) = await ManagedPersonAsync(actor, personId, "reset the password of", ct);
        if (IsSelf(actor, person))
            throw new DomainException("You cannot force a reset of your own password; ask another admin.");
        var roles = await RolesOfAsync(person);
        var oneTime = OneTimePassword();

        await using var scope = await audit.BeginAsync(ct);
        var before = person.ToDto(roles);
        if (await users.HasPasswordAsync(person))
            Check(await users.RemovePasswordAsync(person));
        Check(await users.AddPasswordAsync(person, oneTime));
        person.PasswordResetExpiresAt = Timestamps.Now() + Person.OneTimePasswordLifetime;
        Check(await users.UpdateAsync(person));
        scope.Record(actor, "person.password_reset", "person", person.Id.ToString(), before, person.ToDto(roles));
        await scope.CommitAsync(ct);
        sessions.Forget(person.Id);
        return oneTime;
    }

    /// <summary>Ends every session of the person (any copy of their cookie); they sign in again.</summary>
    public async Task EndSessionsAsync(Actor actor, Guid personId, CancellationToken ct = default)
    {
        var (person, _) = await ManagedPersonAsync(actor, personId, "end the sessions of", ct);
        await using var scope = await audit.BeginAsync(ct);
        Check(await users.UpdateSecurityStampAsync(person));
        scope.Record(actor, "person.end_sessions", "person", person.Id.ToString(), null, new { sessions_ended = true });
        await scope.CommitAsync(ct);
        sessions.Forget(person.Id);
    }

    private async Task<(Person Person, Organisation Org)> ManagedPersonAsync(Actor actor, Guid personId, string what, CancellationToken ct)
    {
        var person = await users.Users.FirstOrDefaultAsync(p => p.Id == personId, ct)
            ?? throw new DomainException("No such person.", StatusCodes.Status404NotFound);
        if (!actor.MayManage(person.OrganisationId))
            throw new DomainException($"Only an admin of the person's organisation or of the forum operator may {what} them.", StatusCodes.Status403Forbidden);
        var org = await db.Organisations.FirstAsync(o => o.Id == person.OrganisationId, ct);
        return (person, org);
    }

    private static bool IsSelf(Actor actor, Person person) => actor.Kind == Actor.PersonKind && actor.Id == person.Id.ToString();

    /// <summary>An organisation never loses its last admin who can sign in: nobody of its own could undo that.</summary>
    private async Task RequireAnotherAdminAsync(Organisation org, Person person, string what, CancellationToken ct)
    {
        var adminRole = users.NormalizeName(Roles.Admin);
        var others = await (from p in db.Users
                            join ur in db.UserRoles on p.Id equals ur.UserId
                            join r in db.Roles on ur.RoleId equals r.Id
                            where p.OrganisationId == org.Id && p.Id != person.Id && r.NormalizedName == adminRole
                            select p.LockoutEnd).ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        if (!others.Any(end => end is null || end <= now))
            throw new DomainException($"{person.DisplayName} is the last admin of {org.Name} who can sign in, so cannot be {what}; make someone else admin first.",
                StatusCodes.Status409Conflict);
    }

    private static string OneTimePassword() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    public async Task<IReadOnlyList<string>> RolesOfAsync(Person person) => [.. await users.GetRolesAsync(person)];

    private static void CheckRoles(Organisation org, IReadOnlyList<string> roles)
    {
        if (roles.Count == 0)
            throw new DomainException("Give at least one role.");
        var allowed = OrganisationKinds.AllowedRoles(org.Kind);
        foreach (var role in roles)
        {
            if (!Roles.IsKnown(role))
                throw new DomainException($"Unknown role '{role}': use {string.Join(", ", Roles.All)}.");
            if (!allowed.Contains(role))
                throw new DomainException($"{org.Name} is an organisation of kind {org.Kind}, which has no '{role}' role: use {string.Join(", ", allowed)}.");
        }
    }

    private static string RequireText(string? value, string what, int maxLength)
    {
        value = value?.Trim() ?? "";
        if (value.Length == 0)
            throw new DomainException($"The {what} is empty.");
        if (value.Length > maxLength)
            throw new DomainException($"The {what} is {value.Length} characters long; the limit is {maxLength}.");
        if (value.Any(char.IsControl))
            throw new DomainException($"The {what} contains control characters.");
        return value;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
