using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Exchange;

/// <summary>
/// Who may see a bank: every member sees a shared bank; a private bank only its owner and the members named on it.
/// An unseen bank is answered as not found, so its existence does not leak.
/// </summary>
public static class BankVisibility
{
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
