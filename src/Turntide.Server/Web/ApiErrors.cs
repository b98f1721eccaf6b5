using Microsoft.AspNetCore.Diagnostics;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Web;

/// <summary>Turns refusals into ProblemDetails (4xx with the reason); anything unexpected is a 500 without internals.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // A browser's page request falls through to the error page (the exception handler's path, in the layout).
        if (!WebExtensions.WantsProblemDetails(context))
        {
            if (StatusOf(exception) >= 500)
                logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            return false;
        }
        (int status, string title, string detail) = exception switch
        {
            DomainException d => (d.StatusCode, Problems.Title(d.StatusCode), d.Message),
            Features.Hashing.DecodingBusyException busy => (StatusCodes.Status503ServiceUnavailable, Problems.Title(503), busy.Message),
            BadHttpRequestException b => (b.StatusCode, Problems.Title(b.StatusCode), b.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is larger than this endpoint accepts." : b.Message),
            _ => (500, "Internal Server Error", "The server could not complete the request; it has been logged."),
        };
        if (status >= 500 && exception is not Features.Hashing.DecodingBusyException)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = status;
        if (exception is Features.Hashing.DecodingBusyException { RetryAfterSeconds: var retry })
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status == StatusCodes.Status413PayloadTooLarge)
            Problems.CloseAfterResponse(context);
        if (!await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            }))
        {
            // The caller's Accept header rules out JSON; the API answers ProblemDetails all the same.
            await TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
        }
        return true;
    }

    /// <summary>The status an exception answers with: a refusal's own, a bad request's own, otherwise 500.</summary>
    internal static int StatusOf(Exception exception) => exception switch
    {
        DomainException d => d.StatusCode,
        BadHttpRequestException b => b.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    };
}
