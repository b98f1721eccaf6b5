using Microsoft.AspNetCore.Authorization;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

/// <summary>Where a refused person lands; open to all because it only says no.</summary>
[AllowAnonymous]
internal sealed class DeniedModel : TurntidePage
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
