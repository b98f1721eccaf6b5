using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Features.Audit;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

/// <summary>Optional TOTP (ASP.NET Core Identity's authenticator support).</summary>
[Authorize(Policy = Policies.PageSignedIn)]
internal sealed class AccountModel(UserManager<Person> users, SignInManager<Person> signIn, AuditLog audit, SessionStamps sessions,
    IUserStore<Person> store) : TurntidePage
{
    public Person? Person { get; private set; }
    public string? SharedKey { get; private set; }
    public string? AuthenticatorUri { get; private set; }
    [BindProperty] public string Code { get; set; } = "";

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Forbid();

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (!await LoadAsync())
            return Forbid();
        var code = Code.Replace(" ", "");
        if (code.Length > 8 || !await users.VerifyTwoFactorTokenAsync(Person!, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            Error = "That code is wrong or expired; check the time on your device.";
            return Page();
        }
        await using var scope = await audit.BeginAsync();
        await users.SetTwoFactorEnabledAsync(Person!, true);
        scope.Record(Actor, "person.two_factor.enable", "person", Person!.Id.ToString(), null, new { two_factor = true });
        await scope.CommitAsync();
        // The stamp changed with the setting: this browser gets a fresh cookie, other copies of the old one stop.
        sessions.Forget(Person!.Id);
        await signIn.RefreshSignInAsync(Person!);
        Flash("Two-factor sign-in is on.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (!await LoadAsync())
            return Forbid();
        await using var scope = await audit.BeginAsync();
        await users.SetTwoFactorEnabledAsync(Person!, false);
        await users.ResetAuthenticatorKeyAsync(Person!);
        scope.Record(Actor, "person.two_factor.disable", "person", Person!.Id.ToString(), null, new { two_factor = false });
        await scope.CommitAsync();
        // The stamp changed with the setting: this browser gets a fresh cookie, other copies of the old one stop.
        sessions.Forget(Person!.Id);
        await signIn.RefreshSignInAsync(Person!);
        Flash("Two-factor sign-in is off.");
        return RedirectToPage();
    }

    private async Task<bool> LoadAsync()
    {
        Person = await users.GetUserAsync(User);
        if (Person is null)
            return false;
        var key = await users.GetAuthenticatorKeyAsync(Person);
        if (string.IsNullOrEmpty(key))
        {
            // Not ResetAuthenticatorKeyAsync: that also renews the security stamp, which would end the person's
            // sessions merely for opening this page. A first key changes nothing that a session depends on.
            await ((IUserAuthenticatorKeyStore<Person>)store).SetAuthenticatorKeyAsync(Person, users.GenerateNewAuthenticatorKey(), HttpContext.RequestAborted);
            await users.UpdateAsync(Person);
            key = await users.GetAuthenticatorKeyAsync(Person);
        }
        SharedKey = key;
        AuthenticatorUri = $"otpauth://totp/Turntide:{Uri.EscapeDataString(Person.Email ?? "")}?secret={key}&issuer=Turntide&digits=6";
        return true;
    }
}
