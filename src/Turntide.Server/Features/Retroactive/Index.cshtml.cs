using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Retroactive;

/// <summary>The organisation's retroactive matches: kept uploads that matched signals which arrived after them.</summary>
[Authorize(Policy = Policies.PageReadBanks)]
[ForRole(ServerRoles.Node)]
internal sealed class RetroactiveMatchesModel(TurntideDb db) : TurntidePage
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public long? After { get; set; }
    public RetroactiveMatchPage Results { get; private set; } = new([], null);

    public async Task OnGetAsync() =>
        Results = await RetroactiveApi.ListAsync(db, Actor.From(User).OrganisationId, null, After ?? 0, PageSize, HttpContext.RequestAborted);
}
