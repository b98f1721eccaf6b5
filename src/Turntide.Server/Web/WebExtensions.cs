using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.FileProviders;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Web;

internal static class WebExtensions
{
    public const string ApiRateLimit = "per-key";
    /// <summary>Match reports move items towards quarantine: each node key sends a few a minute, not thousands.</summary>
    public const string MatchReportRateLimit = "match-reports-per-key";

    /// <summary>JSON API plumbing: ProblemDetails, body limits, snake_case JSON, OpenAPI and per-key rate limits.</summary>
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The features check these settings when they register them; the limits below are read from the same keys.
        var server = TurntideOptions.Bind<ServerOptions>(builder.Configuration);
        var members = TurntideOptions.Bind<MembersOptions>(builder.Configuration);
        var exchange = TurntideOptions.Bind<ExchangeOptions>(builder.Configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        // Bad JSON or parameters throw, so the exception handler can name the problem in a ProblemDetails.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Every request body is limited; upload endpoints raise the limit for themselves only.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = server.MaxJsonBytes;
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
                // Markdown: a bare <api key> would be read as an HTML tag and vanish from the page.
                Description = "Hash media in memory and match signals against shared banks. Authenticate with `Authorization: Bearer tt_...` (an API key from your organisation's page).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A Turntide API key: `tt_`, a 12-character prefix, `_` and the secret.",
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
                    TokenLimit = members.ApiKeyBurst,
                    TokensPerPeriod = members.ApiKeyRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.AddPolicy(MatchReportRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = exchange.MatchReportsPerMinute,
                    TokensPerPeriod = exchange.MatchReportsPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.GlobalLimiter = SignInThrottle.Create(members);
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (SignInThrottle.Applies(http))
                {
                    int wait = ClientAddress.RetryAfterSeconds(context.Lease, 60 / members.SignInAttemptsPerMinute + 1);
                    http.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    // No body: a browser gets the error page (in the layout) through the status code pages.
                    http.Items[ErrorModel.RetryAfterItem] = wait;
                    return;
                }
                bool reports = http.Request.Path.StartsWithSegments("/api/v1/exchange/match-reports");
                int seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : reports ? 60 : 1;
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Bad(reports
                        ? $"This key sent more than {exchange.MatchReportsPerMinute} match reports a minute (Turntide:MatchReportsPerMinute); retry after {seconds} s."
                        : $"This API key made more than {members.ApiKeyRequestsPerSecond} requests a second; slow down.",
                    StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
            };
        });
        return builder;
    }

    public static WebApplicationBuilder AddWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(o =>
        {
            // Pages live in their feature's folder (Features/Banks/Index.cshtml and so on) and the host's in Web; every
            // page names its own absolute route with @page, so the folders do not shape the URLs.
            o.RootDirectory = "/";
            o.Conventions.ConfigureFilter(new ServerRoleFilter());
        });
        // The layout lives with the host (Web/Shared): after a page's own folders, views are looked up there.
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.Razor.RazorViewEngineOptions>(o =>
        {
            o.PageViewLocationFormats.Add("/Web/Shared/{0}" + Microsoft.AspNetCore.Mvc.Razor.RazorViewEngine.ViewExtension);
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "turntide-csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over https; plain http is only for a loopback or a proxy's inside.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-Token";
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            // The operator's other hosts under the same domain are not ours to pin.
            o.IncludeSubDomains = false;
            o.Preload = false;
        });
        return builder;
    }

    /// <summary>The policy of every page: nothing from another host, no inline script, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>
    /// The API reference's policy: still only this server, but its one inline module script carries a per-request
    /// nonce, and the reference component sets styles from script, which needs inline styles.
    /// </summary>
    public static string ApiDocsContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'nonce-{nonce}'; "
        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Requests that answer ProblemDetails (the JSON API and machine endpoints) rather than an HTML page.</summary>
    internal static bool WantsProblemDetails(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api/v1") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health"))
            return true;
        var accept = context.Request.Headers.Accept.ToString();
        return !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    public static WebApplication UseWeb(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Set as the response starts, so that an error page (the exception handler clears the headers first)
            // carries them too, and the API reference's policy can name the nonce it made while rendering.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce
                    && context.Request.Path.StartsWithSegments("/api/docs")
                        ? ApiDocsContentSecurityPolicy(nonce)
                        : ContentSecurityPolicy;
                return Task.CompletedTask;
            });
            await next();
        });
        // Browsers get errors as pages in the layout; the API and other machine callers keep ProblemDetails.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error/500",
            StatusCodeSelector = ApiExceptionHandler.StatusOf,
        });
        // Always ProblemDetails, whatever the caller's Accept header says.
        app.UseWhen(WantsProblemDetails, api => api.UseStatusCodePages(context =>
        {
            int status = context.HttpContext.Response.StatusCode;
            return TypedResults.Problem(statusCode: status, title: Problems.Title(status)).ExecuteAsync(context.HttpContext);
        }));
        app.UseWhen(context => !WantsProblemDetails(context), pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
        // Only over https (and never for a loopback host): the header would pin nothing on plain http. After the
        // error handlers, so that a re-executed error page gets it too.
        app.UseHsts();
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
        // The reference loads nothing from elsewhere: its script is served by this server, and every feature
        // that calls Scalar's own services (fonts, AI chat, MCP, telemetry, the sharing and SDK toolbar) is off.
        app.MapScalarApiReference("/api/docs", o =>
        {
            o.Title = "Turntide API";
            o.OpenApiRoutePattern = "/openapi/{documentName}.json";
            o.DefaultFonts = false;
            o.Telemetry = false;
            o.Agent = new ScalarAgentOptions { Disabled = true };
            o.Mcp = new ScalarMcpOptions { Disabled = true };
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.HideClientButton = true;
            o.DynamicNonce = true;
        }).RequireAuthorization(Policies.AnyCaller);
        // Every page needs a signed-in person unless it says [AllowAnonymous]; pages add stricter policies.
        app.MapRazorPages().RequireAuthorization(Policies.PageSignedIn);
        return app;
    }
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
