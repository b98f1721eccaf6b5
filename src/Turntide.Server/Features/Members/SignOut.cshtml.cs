using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Turntide.Server.Features.Web;

namespace Turntide.Server.Features.Members;

[Authorize(Policy = Policies.PageSignedIn)]
public sealed class SignOutModel(SignInManager<Person> signIn) : TurntidePage
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return RedirectToPage("/Members/SignIn");
    }
}
