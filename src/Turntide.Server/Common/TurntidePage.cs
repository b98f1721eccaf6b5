using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Common;

/// <summary>What every page model needs: who is asking, whether a stricter policy allows a handler, and flash messages.</summary>
internal abstract class TurntidePage : PageModel
{
    public Actor Actor => Actor.From(User);

    protected ServerRoles ServerRoles =>
        HttpContext.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value.ParsedRoles;

    public bool IsHub => ServerRoles.HasFlag(ServerRoles.Hub);

    /// <summary>For handlers that need more than the page's own policy (a POST that curates on a page that reads).</summary>
    protected async Task<bool> AllowedAsync(string policy) =>
        (await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(User, policy)).Succeeded;

    public Task<bool> MayAsync(string policy) => AllowedAsync(policy);

    protected void Flash(string message) => TempData["Flash"] = message;

    public string? Error { get; set; }

    /// <summary>Runs a change; a refusal becomes the page's error message (or a 403/404 result).</summary>
    protected async Task<IActionResult?> TryAsync(Func<Task> change)
    {
        try
        {
            await change();
            return null;
        }
        catch (DomainException ex) when (ex.StatusCode == StatusCodes.Status403Forbidden)
        {
            return Forbid();
        }
        catch (DomainException ex) when (ex.StatusCode == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            return null;
        }
    }
}
