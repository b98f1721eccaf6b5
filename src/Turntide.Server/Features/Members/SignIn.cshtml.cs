using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Members;

[AllowAnonymous]
public sealed class SignInModel(SignInWork signIn) : TurntidePage
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    /// <summary>The one answer to every refused password: it must not tell an unknown email from a locked account.</summary>
    public const string Refused = "The email or password is wrong, or the account is locked for 15 minutes after too many failed attempts.";

    public async Task<IActionResult> OnPostAsync()
    {
        if (Email.Length is 0 or > 254 || Password.Length is 0 or > 200)
        {
            Error = "Enter your email and password.";
            return Page();
        }
        var result = await signIn.PasswordAsync(Email.Trim().ToLowerInvariant(), Password);
        if (result.Succeeded)
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Members/SignInCode", new { ReturnUrl = SafeReturnUrl(ReturnUrl) });
        Error = Refused;
        return Page();
    }

    /// <summary>
    /// A path on this server, or "/". Control characters are refused too: browsers drop a tab or newline from a
    /// URL, so "/&lt;tab&gt;/evil.example" would leave as "//evil.example" (and LocalRedirect throws on them).
    /// </summary>
    internal static string SafeReturnUrl(string? url) =>
        url is { Length: > 0 and <= 2048 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl) ? url : "/";
}
