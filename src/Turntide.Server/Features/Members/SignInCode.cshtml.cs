using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

/// <summary>The second step for people with TOTP on; only reachable after a correct password (Identity's two-factor cookie).</summary>
[AllowAnonymous]
internal sealed class SignInCodeModel(SignInManager<Person> signIn) : TurntidePage
{
    [BindProperty] public string Code { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Features/Members/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
            return RedirectToPage("/Features/Members/SignIn");
        var code = Code.Replace(" ", "").Replace("-", "");
        if (code.Length is < 6 or > 8)
        {
            Error = "Enter the 6-digit code.";
            return Page();
        }
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
            return LocalRedirect(SignInModel.SafeReturnUrl(ReturnUrl));
        Error = result.IsLockedOut ? "This account is locked after too many failed attempts." : "That code is wrong or expired.";
        return Page();
    }
}
