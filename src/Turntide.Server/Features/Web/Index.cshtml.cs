using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Web;

[Authorize(Policy = Policies.PageSignedIn)]
public sealed class IndexModel(TurntideDb db, SignalCatalog catalog) : TurntidePage
{
    public int Banks { get; private set; }
    public int Contents { get; private set; }
    public int Signals { get; private set; }
    public int Organisations { get; private set; }
    public IReadOnlyList<string> Roles => Actor.Roles;
    public string RoleText => ServerRoles.ToString().ToLowerInvariant();

    public async Task OnGetAsync()
    {
        Banks = await db.Banks.CountAsync();
        Contents = await db.Contents.CountAsync();
        Signals = catalog.SignalCount;
        Organisations = await db.Organisations.CountAsync();
    }
}
