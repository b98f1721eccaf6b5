using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.FileProviders;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Turntide.Server.Features.Hosting;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Web;

public static class WebExtensions
{
    public const string ApiRateLimit = "per-key";
    /// <summary>Match reports move items towards quarantine: each node key sends a few a minute, not thousands.</summary>
    public const string MatchReportRateLimit = "match-reports-per-key";

    /// <summary>JSON API plumbing: ProblemDetails, body limits, snake_case JSON, OpenAPI and per-key rate limits.</summary>
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder, ServerOptions options)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        // Bad JSON or parameters throw, so the exception handler can name the problem in a ProblemDetails.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Every request body is limited; upload endpoints raise the limit for themselves only.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxJsonBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxRequestLineSize = 16 * 1024;
            k.AddServerHeader = false;
        });
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Turntide API",
                Version = "v1",
                Description = "Hash media in memory and match signals against shared banks. Authenticate with 'Authorization: Bearer <api key>'.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A Turntide API key (tt_...).",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ApiRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.ApiKeyBurst,
                    TokensPerPeriod = options.ApiKeyRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.AddPolicy(MatchReportRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.MatchReportsPerMinute,
                    TokensPerPeriod = options.MatchReportsPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                bool reports = http.Request.Path.StartsWithSegments("/api/v1/exchange/match-reports");
                int seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : reports ? 60 : 1;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Bad(reports
                        ? $"This key sent more than {options.MatchReportsPerMinute} match reports a minute (Turntide:MatchReportsPerMinute); retry after {seconds} s."
                        : $"This API key made more than {options.ApiKeyRequestsPerSecond} requests a second; slow down.",
                    StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
            };
        });
        return builder;
    }

    public static WebApplicationBuilder AddWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(o =>
        {
            // Pages live in their feature's folder (Features/Banks/Index.cshtml and so on).
            o.RootDirectory = "/Features";
            o.Conventions.ConfigureFilter(new ServerRoleFilter());
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "turntide-csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.HeaderName = "X-CSRF-Token";
        });
        return builder;
    }

    public static WebApplication UseWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // The API reference page runs its own inline script; every other page runs only /static scripts.
            if (!context.Request.Path.StartsWithSegments("/api/docs"))
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'";
            await next();
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(WebExtensions).Assembly, "Turntide.Server.wwwroot"),
            RequestPath = "/static",
        });
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    public static RouteGroupBuilder MapApi(this WebApplication app) =>
        app.MapGroup("/api/v1").RequireRateLimiting(ApiRateLimit);

    public static WebApplication MapPages(this WebApplication app, ServerRoles roles)
    {
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policies.AnyCaller);
        app.MapScalarApiReference("/api/docs", o =>
        {
            o.Title = "Turntide API";
            o.OpenApiRoutePattern = "/openapi/{documentName}.json";
        }).RequireAuthorization(Policies.AnyCaller);
        // Every page needs a signed-in person unless it says [AllowAnonymous]; pages add stricter policies.
        app.MapRazorPages().RequireAuthorization(Policies.PageSignedIn);
        return app;
    }
}

/// <summary>Marks a page that exists only on a server with this role (for example bank curation on the hub).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ForRoleAttribute(ServerRoles role) : Attribute
{
    public ServerRoles Role { get; } = role;
}

/// <summary>Answers 404 for pages whose <see cref="ForRoleAttribute"/> this server does not have.</summary>
internal sealed class ServerRoleFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var required = context.HandlerInstance.GetType().GetCustomAttributes(typeof(ForRoleAttribute), true)
            .Cast<ForRoleAttribute>().FirstOrDefault();
        var options = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value;
        if (required is not null && !options.ParsedRoles.HasFlag(required.Role))
        {
            context.Result = new Microsoft.AspNetCore.Mvc.NotFoundResult();
            return;
        }
        await next();
    }
}
