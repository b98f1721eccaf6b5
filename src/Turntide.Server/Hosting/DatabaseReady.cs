using Turntide.Server.Data;
using Turntide.Server.Demo;

namespace Turntide.Server.Hosting;

/// <summary>Migrates the database before the server takes requests (hosted services start before Kestrel listens).</summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, DatabaseReady ready, Microsoft.Extensions.Options.IOptions<DataOptions> data,
    Microsoft.Extensions.Options.IOptions<HostingOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
            await db.MigrateAsync(cancellationToken);
            logger.LogInformation("Database ready ({Provider})", data.Value.DatabaseProvider);
            if (options.Value.DemoData)
                await scope.ServiceProvider.GetRequiredService<DemoData>().LoadAsync(cancellationToken);
            ready.Set();
        }
        catch (Exception ex)
        {
            ready.Fail(ex);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
