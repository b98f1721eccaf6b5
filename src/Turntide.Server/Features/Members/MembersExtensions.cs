using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Turntide.Server.Data;

namespace Turntide.Server.Features.Members;

internal static class MembersExtensions
{
    /// <summary>The part of Members that <c>turntide admin</c> needs too: Identity's stores, hashing and the services.</summary>
    public static IServiceCollection AddMembersCore(this IServiceCollection services)
    {
        services.AddIdentityCore<Person>(ConfigureIdentity)
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<TurntideDb>()
            .AddDefaultTokenProviders();
        return services.AddMembersServices();
    }

    private static IServiceCollection AddMembersServices(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<SessionStamps>();
        services.AddScoped<MembersService>();
        return services;
    }

    public static WebApplicationBuilder AddMembers(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<MembersOptions>(MembersOptions.Check);
        var services = builder.Services;
        services.AddIdentity<Person, IdentityRole<Guid>>(ConfigureIdentity)
            .AddEntityFrameworkStores<TurntideDb>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<MemberClaimsFactory>();
        services.AddMembersServices();
        services.AddSingleton<ApiKeyFailureThrottle>();
        services.AddScoped<SignInWork>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Policies.ApiKeyScheme, null);
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "turntide";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/signout";
            cookie.AccessDeniedPath = "/denied";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            // Instead of Identity's validator, which looks every few minutes: a copied cookie must stop at once.
            cookie.Events.OnValidatePrincipal = SessionStamps.ValidatePrincipalAsync;
        });
        services.AddAuthorization(Policies.Add);
        services.AddSingleton<IAuthorizationHandler, KeyScopeHandler>();
        services.AddHostedService<ApiKeyUsageFlusher>();
        return builder;
    }

    private static void ConfigureIdentity(IdentityOptions o)
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 12;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireDigit = false;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        o.SignIn.RequireConfirmedAccount = false;
    }
}
