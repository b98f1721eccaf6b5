using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Turntide.Server.Data;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Matching;

namespace Turntide.Server.Health;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is migrated and the indexes
/// are loaded; 503 before, and 503 "Degraded" while writes fail (<see cref="WriteHealth"/>). Both are open to anonymous callers on purpose (orchestrators probe
/// them without credentials) and say nothing sensitive.
/// </summary>
internal static class HealthEndpoints
{
    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => new WriteHealth(TimeProvider.System));
        builder.Services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, WriteHealthInterceptor>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous().WithName("Live").DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
            {
                Predicate = c => c.Tags.Contains("ready"),
                // Degraded (writes failing) is 503 too: an instance that cannot write loses imports and contributions,
                // so a balancer should send writers elsewhere; the body says "Degraded" rather than "Unhealthy".
                ResultStatusCodes =
                {
                    [HealthStatus.Healthy] = StatusCodes.Status200OK,
                    [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                    [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
                },
            })
            .AllowAnonymous().WithName("Ready").DisableRateLimiting();
        return app;
    }
}

internal sealed class ReadinessCheck(DatabaseReady database, SignalCatalog catalog, WriteHealth writes) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!database.IsReady)
            return Task.FromResult(HealthCheckResult.Unhealthy("database not migrated yet"));
        if (!catalog.IsReady)
            return Task.FromResult(HealthCheckResult.Unhealthy("indexes loading"));
        if (writes.Degraded is { } failure)
            return Task.FromResult(HealthCheckResult.Degraded("writes failing: " + failure));
        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
