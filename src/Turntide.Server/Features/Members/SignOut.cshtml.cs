using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Members;

[Authorize(Policy = Policies.PageSignedIn)]
internal sealed class SignOutModel(SignInManager<Person> signIn, UserManager<Person> users, SessionStamps sessions) : TurntidePage
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        // A new stamp: a copy of this cookie taken before sign-out stops working too, not only this browser's.
        if (await users.GetUserAsync(User) is { } person)
        {
            await users.UpdateSecurityStampAsync(person);
            sessions.Forget(person.Id);
        }
        await signIn.SignOutAsync();
        return RedirectToPage("/Features/Members/SignIn");
    }
}
