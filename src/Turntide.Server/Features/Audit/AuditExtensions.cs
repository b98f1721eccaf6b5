namespace Turntide.Server.Features.Audit;

internal static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddSingleton<AuditCommits>();
        builder.AddTurntideOptions<AuditOptions>(AuditOptions.Check);
        builder.Services.AddSingleton<AuditApplied>();
        return builder;
    }
}
