using Microsoft.Extensions.Configuration;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Hosting;

/// <summary>The settings an offline command needs: where the data lives, the key ring's key, key lifetimes.</summary>
internal sealed record OfflineOptions(DataOptions Data, HostingOptions Hosting, MembersOptions Members);

/// <summary>
/// The server's data services without the web host, for <c>turntide admin</c> and <c>turntide audit</c>: the same
/// DbContext, Identity stores, audit log and members service, on the same configuration.
/// </summary>
internal static class OfflineServices
{
    /// <summary>Options from <c>Turntide__*</c> environment variables, then the command line's data folder.</summary>
    public static OfflineOptions LoadOptions(string? dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var data = TurntideOptions.Bind<DataOptions>(configuration);
        if (!string.IsNullOrWhiteSpace(dataDirectory))
            data.DataDirectory = dataDirectory;
        DataOptions.Check(data, new OptionsCheck(null));
        return new OfflineOptions(data, TurntideOptions.Bind<HostingOptions>(configuration),
            TurntideOptions.Bind<MembersOptions>(configuration, MembersOptions.Check));
    }

    public static ServiceProvider Create(OfflineOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Data));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Members));
        services.AddTurntideDataProtection(options.Hosting, options.Data);
        services.AddTurntideData(options.Data);
        services.AddMembersCore();
        services.AddScoped<AuditLog>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
