using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Turntide.Server.Web;

/// <summary>
/// Errors a browser meets, inside the layout with a way back: the status code pages re-execute here for an
/// empty 4xx/5xx, the exception handler for a thrown error. Open to all and without antiforgery, because it
/// runs in place of whatever request failed (a form post too); it never shows an exception's detail.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
internal sealed class ErrorModel : TurntidePage
{
    /// <summary>Where the sign-in throttle leaves the seconds to wait, for the page to say.</summary>
    public const string RetryAfterItem = "turntide:retry-after";

    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Message { get; private set; } = "";
    public string BackTo { get; private set; } = "/";
    public string BackText { get; private set; } = "Back to the dashboard";

    public void OnGet(int code) => Show(code);

    public void OnPost(int code) => Show(code);

    private void Show(int code)
    {
        // A thrown error has already had its status chosen (a refusal's own, else 500); the path only says 500.
        Code = HttpContext.Features.Get<IExceptionHandlerFeature>() is not null ? Response.StatusCode
            : code is >= 400 and <= 599 ? code : StatusCodes.Status404NotFound;
        Response.StatusCode = Code;
        (Title, Message) = Code switch
        {
            400 => ("Bad request", "The server could not read that request. Go back, check the form and send it again."),
            401 or 403 => ("Not allowed", "Your role does not give access to that. Ask an admin of your organisation if you need it."),
            404 => ("Not found", "There is no page at this address, or it is not one you may see."),
            405 => ("Not allowed here", "That address does not take this kind of request."),
            413 => ("Too large", "What you sent is larger than this server accepts. Send a smaller file."),
            415 => ("Wrong kind of upload", "The server does not take that kind of content here."),
            429 => ("Too many attempts", HttpContext.Items[RetryAfterItem] is int wait
                ? $"Too many sign-in attempts came from your address. Wait {wait} seconds and try again."
                : "Too many requests came from your address. Wait a minute and try again."),
            >= 500 => ("Something went wrong", "The server could not complete the request. The error has been logged; try again, and tell your forum's operator if it keeps happening."),
            _ => ("Error", "The server could not complete the request."),
        };
        if (Code == StatusCodes.Status429TooManyRequests && HttpContext.Items[RetryAfterItem] is int)
            (BackTo, BackText) = ("/signin", "Back to sign in");
    }
}
