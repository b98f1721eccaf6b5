using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;

namespace Turntide.Server.Features.Members;

/// <summary>Adds the person's organisation and display name to the sign-in cookie's claims.</summary>
internal sealed class MemberClaimsFactory(
    UserManager<Person> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options, TurntideDb db)
    : UserClaimsPrincipalFactory<Person, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Person user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var org = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == user.OrganisationId);
        identity.AddClaim(new Claim(MemberClaims.ActorKind, Actor.PersonKind));
        identity.AddClaim(new Claim(MemberClaims.DisplayName, user.DisplayName));
        identity.AddClaim(new Claim(MemberClaims.OrganisationId, org.Id.ToString()));
        identity.AddClaim(new Claim(MemberClaims.OrganisationKind, org.Kind));
        identity.AddClaim(new Claim(MemberClaims.OrganisationName, org.Name));
        return identity;
    }
}
