using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Members;

[AllowAnonymous]
public sealed class SignInModel(SignInManager<Person> signIn) : TurntidePage
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Email.Length is 0 or > 254 || Password.Length is 0 or > 200)
        {
            Error = "Enter your email and password.";
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(Email.Trim().ToLowerInvariant(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Members/SignInCode", new { ReturnUrl = SafeReturnUrl(ReturnUrl) });
        Error = result.IsLockedOut
            ? "This account is locked after too many failed attempts. Try again in 15 minutes or ask an admin."
            : "The email or password is wrong.";
        return Page();
    }

    internal static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";
}
