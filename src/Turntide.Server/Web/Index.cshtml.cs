using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Web;

[Authorize(Policy = Policies.PageSignedIn)]
internal sealed class IndexModel(TurntideDb db, SignalCatalog catalog) : TurntidePage
{
    public int Banks { get; private set; }
    public int Contents { get; private set; }
    public int Signals { get; private set; }
    public int Organisations { get; private set; }
    public IReadOnlyList<string> Roles => Actor.Roles;
    /// <summary>For admins: live keys of their organisation (the forum's admins: of all) expired or expiring soon.</summary>
    public List<ExpiringKey> ExpiringKeys { get; private set; } = [];
    public string RoleText => ServerRoles.ToString().ToLowerInvariant();

    public async Task OnGetAsync()
    {
        Banks = await db.Banks.CountAsync();
        Contents = await db.Contents.CountAsync();
        Signals = catalog.SignalCount;
        Organisations = await db.Organisations.CountAsync();
        var actor = Actor;
        if (actor.Roles.Contains(Common.Roles.Admin) && actor.OrganisationId is { } own)
        {
            var horizon = DateTime.UtcNow + ApiKey.ExpiryWarning;
            var keys = db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null && k.ExpiresAt < horizon);
            if (!actor.IsForumAdmin)
                keys = keys.Where(k => k.OrganisationId == own);
            ExpiringKeys = await keys.OrderBy(k => k.ExpiresAt).Take(MaxExpiringKeys)
                .Select(k => new ExpiringKey(k.Id, k.Name, k.Prefix, k.OrganisationId, k.Organisation!.Name, k.ExpiresAt)).ToListAsync();
        }
    }

    public const int MaxExpiringKeys = 50;

    public sealed record ExpiringKey(Guid Id, string Name, string Prefix, Guid OrganisationId, string OrganisationName, DateTime ExpiresAt);
}
