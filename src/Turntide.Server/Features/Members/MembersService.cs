using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Hosting;

namespace Turntide.Server.Features.Members;

/// <summary>A refused request with a reason a person can act on; endpoints turn it into a 4xx ProblemDetails.</summary>
public sealed class DomainException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>Organisations, people and API keys: every change audited, every change checked against who asks.</summary>
public sealed class MembersService(TurntideDb db, UserManager<Person> users, AuditLog audit, ApiKeyStore keys)
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
        CreateKeyAsync(actor, organisationId, role, name, keyScope: null, ct);

    /// <summary>Creates a key narrowed to a scope (<see cref="ApiKey.Scopes"/>; null for the role's full rights).</summary>
    public async Task<(ApiKey Key, string Secret)> CreateKeyAsync(Actor actor, Guid organisationId, string role, string name, string? keyScope,
        CancellationToken ct = default)
    {
        var org = await db.Organisations.FirstOrDefaultAsync(o => o.Id == organisationId, ct)
            ?? throw new DomainException("No such organisation.", StatusCodes.Status404NotFound);
        if (!actor.MayManage(org.Id))
            throw new DomainException("Only an admin of this organisation or of the forum operator may create its keys.", StatusCodes.Status403Forbidden);
        name = RequireText(name, "key name", ApiKey.MaxNameLength);
        CheckRoles(org, [role]);
        keyScope = string.IsNullOrWhiteSpace(keyScope) ? null : keyScope.Trim().ToLowerInvariant();
        if (keyScope is not null && !ApiKey.Scopes.Contains(keyScope))
            throw new DomainException($"A key's scope is one of {string.Join(", ", ApiKey.Scopes)}, or none for the role's full rights.");

        var (prefix, secret, hash) = ApiKeyStore.Generate();
        await using var scope = await audit.BeginAsync(ct);
        var key = new ApiKey
        {
            Name = name, Prefix = prefix, SecretHash = hash, OrganisationId = org.Id, Role = role, Scope = keyScope,
            CreatedAt = Timestamps.Now(), CreatedByPersonId = actor.Kind == Actor.PersonKind && Guid.TryParse(actor.Id, out var p) ? p : null,
        };
        db.ApiKeys.Add(key);
        scope.Record(actor, "key.create", "api_key", key.Id.ToString(), null, key.ToDto());
        await scope.CommitAsync(ct);
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
        keys.Forget(key.Prefix);
    }

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
        // One-line fields: not even tab or a line break.
        if (value.Any(char.IsControl))
            throw new DomainException($"The {what} contains control characters; it is one line of text.");
        return TextRules.Require(value, what)!;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
