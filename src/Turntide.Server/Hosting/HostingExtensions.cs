using Turntide.Server.Data;

namespace Turntide.Server.Hosting;

internal static class HostingExtensions
{
    /// <summary>
    /// Binds and checks the settings the host itself needs before any feature registers (the roles, where the data lives,
    /// the key ring's key), so a bad setting stops start-up with its name. Each feature binds its own in its Add method.
    /// </summary>
    public static WebApplicationBuilder AddServerOptions(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<ServerOptions>(ServerOptions.Check);
        var data = builder.AddTurntideOptions<DataOptions>(DataOptions.Check);
        var hosting = builder.AddTurntideOptions<HostingOptions>();
        builder.Services.AddTurntideData(data);
        // Sign-in cookies stay valid across restarts: the keys that protect them live with the data, encrypted.
        builder.Services.AddTurntideDataProtection(hosting, data);
        builder.Services.AddHostedService<KeyEncryptionNotice>();
        builder.Services.AddSingleton<DatabaseReady>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }

    /// <summary>The roles this process plays, as the host decides which features' endpoints to map.</summary>
    public static ServerRoles Roles(this WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value.ParsedRoles;
}
