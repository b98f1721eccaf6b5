namespace Turntide.Server.Common;

/// <summary>A refused request with a reason a person can act on; endpoints turn it into a 4xx ProblemDetails.</summary>
internal sealed class DomainException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
