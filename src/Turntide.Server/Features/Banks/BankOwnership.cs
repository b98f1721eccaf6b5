using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Banks;

/// <summary>
/// Who may curate a bank (change it, its sharing, or its items), asked by every service write on a bank; the rules are
/// the table in docs/ownership.md. A bank is curated by its owner organisation's admins and analysts; the forum's
/// admins also curate banks the forum (any organisation of the forum kind) owns, and no other member's. Other members
/// act on a bank only through contributions, opinions and their own negative banks. A caller that cannot see the bank
/// is answered 404, as if it did not exist; one that sees it but may not curate it, 403.
/// </summary>
internal static class BankOwnership
{
    /// <summary>The answer alone, for pages deciding which buttons to offer; the services call <see cref="RequireCuratorAsync"/>.</summary>
    public static bool MayCurate(Actor actor, Bank bank, string? ownerKind)
    {
        if (actor.IsSystem)
            return true;
        if (!actor.Roles.Any(r => Policies.Capabilities["curate-banks"].Contains(r)))
            return false;
        if (actor.OrganisationKind is not (OrganisationKinds.Forum or OrganisationKinds.Platform))
            return false;
        return actor.OrganisationId == bank.OwnerOrganisationId
            || (actor.IsForumAdmin && ownerKind == OrganisationKinds.Forum);
    }

    public static async Task<bool> MayCurateAsync(TurntideDb db, Actor actor, Bank bank, CancellationToken ct = default) =>
        MayCurate(actor, bank, await OwnerKindAsync(db, bank, ct));

    /// <summary>Throws 404 when the caller cannot see the bank and 403 when it sees it but may not curate it.</summary>
    public static async Task RequireCuratorAsync(TurntideDb db, Actor actor, Bank bank, CancellationToken ct = default)
    {
        if (actor.IsSystem)
            return;
        await BankVisibility.RequireVisibleAsync(db, actor, bank.Id, ct);
        if (MayCurate(actor, bank, await OwnerKindAsync(db, bank, ct)))
            return;
        var owner = await db.Organisations.AsNoTracking().Where(o => o.Id == bank.OwnerOrganisationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        throw new DomainException(
            $"The bank {bank.Name} is curated by its owner, {owner ?? "another member"} (its admins and analysts). " +
            "Contribute to it, give an opinion on its items, or keep a negative bank of your own instead.",
            StatusCodes.Status403Forbidden);
    }

    private static async Task<string?> OwnerKindAsync(TurntideDb db, Bank bank, CancellationToken ct) =>
        await db.Organisations.AsNoTracking().Where(o => o.Id == bank.OwnerOrganisationId).Select(o => o.Kind).FirstOrDefaultAsync(ct);
}
