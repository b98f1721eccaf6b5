using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Banks;

/// <summary>
/// Who may see a bank: every member sees a shared bank; a private bank only its owner and the members named on it.
/// An unseen bank is answered as not found, so its existence does not leak. This is the one rule: <see cref="Sees"/> is
/// its in-memory form (the catalog's matches, the feed's withdrawals, the audit page), <see cref="VisibleTo"/> the same
/// rule as a database query (lists, pages, snapshots, exports, retroactive matches); a test holds the two to the same
/// answers for every case.
/// </summary>
internal static class BankVisibility
{
    /// <summary>Whether <paramref name="viewer"/> may see a bank of <paramref name="owner"/>, private or not, naming <paramref name="members"/>.</summary>
    public static bool Sees(Guid owner, bool isPrivate, IEnumerable<Guid>? members, Guid? viewer) =>
        !isPrivate || (viewer is { } org && (org == owner || (members is not null && members.Contains(org))));

    /// <summary>
    /// Whether an audit entry about a bank (or its items) is shown to <paramref name="viewer"/>: the same rule with no
    /// member named, so a private bank's history goes only to its owner's own people. Naming a member shares the bank's
    /// signals, not the record of who did what in it.
    /// </summary>
    public static bool SeesHistory(Guid owner, bool isPrivate, Guid? viewer) => Sees(owner, isPrivate, members: null, viewer);

    /// <summary><see cref="Sees"/> as a query: keep it the same rule (see <c>VisibilityRuleTests</c>).</summary>
    public static IQueryable<Bank> VisibleTo(this IQueryable<Bank> banks, TurntideDb db, Guid? organisationId) =>
        banks.Where(b => !b.Private || b.OwnerOrganisationId == organisationId
            || db.BankMembers.Any(m => m.BankId == b.Id && m.OrganisationId == organisationId));

    public static async Task RequireVisibleAsync(TurntideDb db, Actor actor, Guid bankId, CancellationToken ct = default)
    {
        if (actor.IsSystem)
            return;
        if (!await db.Banks.VisibleTo(db, actor.OrganisationId).AnyAsync(b => b.Id == bankId, ct))
            throw new DomainException($"No bank {bankId}.", StatusCodes.Status404NotFound);
    }

    public static async Task RequireContentVisibleAsync(TurntideDb db, Actor actor, Guid contentId, CancellationToken ct = default)
    {
        var bankId = await db.Contents.Where(c => c.Id == contentId).Select(c => (Guid?)c.BankId).FirstOrDefaultAsync(ct)
            ?? throw new DomainException($"No content {contentId}.", StatusCodes.Status404NotFound);
        try
        {
            await RequireVisibleAsync(db, actor, bankId, ct);
        }
        catch (DomainException)
        {
            throw new DomainException($"No content {contentId}.", StatusCodes.Status404NotFound);
        }
    }
}
