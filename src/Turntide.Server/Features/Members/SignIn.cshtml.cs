using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

/// <summary>
/// Sign-in. A person whose password an admin reset signs in with the one-time password and must choose a new one
/// before anything else: the one-time password is checked (with lockout), then a password-reset token, bound to the
/// person's security stamp and so usable once, carries them to the second step.
/// </summary>
[AllowAnonymous]
internal sealed class SignInModel(SignInWork work, SignInManager<Person> signIn, UserManager<Person> users, SessionStamps sessions) : TurntidePage
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string NewPassword { get; set; } = "";
    [BindProperty] public string ResetToken { get; set; } = "";

    /// <summary>Set once the one-time password was right: the page asks for the new password.</summary>
    public bool ChoosingPassword { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>The one answer to every refused password: it must not tell an unknown email from a locked account.</summary>
    public const string Refused = "The email or password is wrong, or the account is locked (for 15 minutes after too many failed attempts, or by an admin of your organisation).";

    public async Task<IActionResult> OnPostAsync()
    {
        if (Email.Length is 0 or > 254 || Password.Length is 0 or > 200)
        {
            Error = "Enter your email and password.";
            return Page();
        }
        var email = Email.Trim().ToLowerInvariant();
        if (await users.FindByNameAsync(email) is { PasswordResetExpiresAt: not null } reset)
            return await OneTimeSignInAsync(reset);
        var result = await work.PasswordAsync(email, Password);
        if (result.Succeeded)
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Features/Members/SignInCode", new { ReturnUrl = SafeReturnUrl(ReturnUrl) });
        Error = Refused;
        return Page();
    }

    /// <summary>The second step after a one-time password: the new password, with the token the first step gave.</summary>
    public async Task<IActionResult> OnPostChooseAsync()
    {
        var email = Email.Trim().ToLowerInvariant();
        var person = email.Length is > 0 and <= 254 ? await users.FindByNameAsync(email) : null;
        if (person?.PasswordResetExpiresAt is null || ResetToken.Length is 0 or > 2000)
        {
            Error = "Sign in again with the one-time password your admin gave you.";
            return Page();
        }
        if (person.PasswordResetExpiresAt < DateTime.UtcNow)
        {
            Error = "That one-time password has expired; ask an admin of your organisation for a new one.";
            return Page();
        }
        ChoosingPassword = true;
        if (NewPassword.Length is 0 or > 200)
        {
            Error = "Choose a new password of 12 to 200 characters.";
            return Page();
        }
        if (await users.CheckPasswordAsync(person, NewPassword))
        {
            Error = "Choose a password different from the one-time password.";
            return Page();
        }
        var changed = await users.ResetPasswordAsync(person, ResetToken, NewPassword);
        if (!changed.Succeeded)
        {
            // A used or stale token: the stamp moved on (another reset, a lock); start again.
            bool badToken = changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken));
            ChoosingPassword = !badToken;
            Error = badToken ? "This step has expired; sign in again with the one-time password."
                : string.Join(" ", changed.Errors.Select(e => e.Description));
            return Page();
        }
        person.PasswordResetExpiresAt = null;
        await users.UpdateAsync(person);
        sessions.Forget(person.Id);
        var result = await signIn.PasswordSignInAsync(person, NewPassword, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Features/Members/SignInCode", new { ReturnUrl = SafeReturnUrl(ReturnUrl) });
        Error = result.IsLockedOut ? Refused : "Your new password is set; sign in with it.";
        return Page();
    }

    private async Task<IActionResult> OneTimeSignInAsync(Person person)
    {
        var check = await signIn.CheckPasswordSignInAsync(person, Password, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            Error = Refused;
            return Page();
        }
        if (person.PasswordResetExpiresAt < DateTime.UtcNow)
        {
            Error = "That one-time password has expired; ask an admin of your organisation for a new one.";
            return Page();
        }
        ChoosingPassword = true;
        ResetToken = await users.GeneratePasswordResetTokenAsync(person);
        Password = "";
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
