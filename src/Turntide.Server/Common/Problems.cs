namespace Turntide.Server.Common;

/// <summary>A 4xx ProblemDetails naming the problem.</summary>
internal static class Problems
{
    public static IResult Bad(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(statusCode: status, title: Title(status), detail: detail);

    /// <summary>A 413 sent before the body was read: the connection closes after it, so no client reuses it mid-body.</summary>
    public static IResult TooLarge(HttpContext context, string detail)
    {
        CloseAfterResponse(context);
        return Bad(detail, StatusCodes.Status413PayloadTooLarge);
    }

    internal static void CloseAfterResponse(HttpContext context) => context.Response.Headers.Connection = "close";

    /// <summary>The standard reason phrase a ProblemDetails carries as its title.</summary>
    internal static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
