using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;

namespace Turntide.Server.Features.Members;

/// <summary>
/// Checks every signed-in request's security stamp against the person's current one, so that sign-out, ending
/// sessions, a lock, a role change, a password reset or removal ends every copy of the cookie at once (Identity's
/// own validator looks only every few minutes). A stamp found current is remembered for <see cref="CacheFor"/>;
/// a change made through this process forgets it at once, so the bound applies only to changes made by another
/// process on the same database.
/// </summary>
internal sealed class SessionStamps(IServiceScopeFactory scopes)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (string Stamp, DateTime Until)> _current = new();
    // Moves on every forget, so a check that read the database before a change cannot cache the old stamp after it.
    private long _generation;

    public void Forget(Guid personId)
    {
        Interlocked.Increment(ref _generation);
        _current.TryRemove(personId, out _);
    }

    public async Task<bool> IsCurrentAsync(Guid personId, string stamp, CancellationToken ct = default)
    {
        var now = DateTime.UtcNow;
        if (_current.TryGetValue(personId, out var known) && known.Until > now && known.Stamp == stamp)
            return true;
        long generation = Interlocked.Read(ref _generation);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        var current = await db.Users.AsNoTracking().Where(p => p.Id == personId).Select(p => p.SecurityStamp).FirstOrDefaultAsync(ct);
        if (current is null || current != stamp)
            return false;
        if (Interlocked.Read(ref _generation) == generation)
            _current[personId] = (stamp, now + CacheFor);
        return true;
    }

    /// <summary>The sign-in cookie's validation: a cookie whose stamp is not the person's current one is rejected and removed.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claimType = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var principal = context.Principal;
        bool current = principal is not null
            && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var personId)
            && principal.FindFirstValue(claimType) is { Length: > 0 } stamp
            && await services.GetRequiredService<SessionStamps>().IsCurrentAsync(personId, stamp, context.HttpContext.RequestAborted);
        if (!current)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}
