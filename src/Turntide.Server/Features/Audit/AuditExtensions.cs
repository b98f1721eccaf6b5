namespace Turntide.Server.Features.Audit;

public static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddSingleton<AuditCommits>();
        builder.Services.Configure<AuditAppliedOptions>(builder.Configuration.GetSection(Hosting.ServerOptions.Section));
        builder.Services.AddSingleton<AuditApplied>();
        return builder;
    }
}
