using Microsoft.Extensions.Configuration;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Hosting;

/// <summary>
/// The server's data services without the web host, for <c>turntide admin</c> and <c>turntide audit</c>: the same
/// DbContext, Identity stores, audit log and members service, on the same configuration.
/// </summary>
public static class OfflineServices
{
    /// <summary>Options from <c>Turntide__*</c> environment variables, then the command line's data folder.</summary>
    public static ServerOptions LoadOptions(string? dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        if (!string.IsNullOrWhiteSpace(dataDirectory))
            options.DataDirectory = dataDirectory;
        return options;
    }

    public static ServiceProvider Create(ServerOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddTurntideDataProtection(options);
        services.AddTurntideData(options);
        services.AddMembersCore();
        services.AddScoped<AuditLog>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
