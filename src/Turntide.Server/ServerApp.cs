using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Demo;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Health;
using Turntide.Server.Hosting;
using Turntide.Server.Features.HubSync;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;
using Turntide.Server.Features.Retroactive;
using Turntide.Server.Features.Taxonomy;
using Turntide.Server.Features.Transfer;
using Turntide.Server.Web;

namespace Turntide.Server;

/// <summary>The composition root: each feature adds its services and maps its endpoints.</summary>
internal static class ServerApp
{
    /// <param name="configure">Lets the CLI and the tests add configuration before anything reads it.</param>
    /// <param name="replaceServices">Lets tests replace services after every feature registered its own.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null,
        Action<IServiceCollection>? replaceServices = null)
    {
        // The application name ties Razor Pages and other parts to this assembly, whoever starts it (the CLI, tests).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ServerApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddServerOptions();
        // SQL text is noise at Information level; parameters (which could hold secrets) are never logged.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // "Not ready" is the expected answer while the indexes load; the endpoint itself reports it.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        builder.AddMembers();
        builder.AddAudit();
        builder.AddTaxonomy();
        builder.AddBanks();
        builder.AddTransfer();
        builder.AddContributions();
        builder.AddOpinions();
        builder.AddExchange();
        builder.AddMatching();
        builder.AddRetroactive();
        builder.AddHubSync();
        builder.AddHashing();
        builder.AddDemo();
        builder.AddHealth();
        builder.AddApi();
        builder.AddWeb();
        replaceServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Before the web pipeline, so that no form reader or antiforgery check reads an import upload under the JSON limit.
        app.UseTransferUploads();
        app.UseWeb();
        app.MapHealth();
        var api = app.MapApi();
        var roles = app.Roles();
        if (roles.HasFlag(ServerRoles.Hub))
        {
            api.MapBanksApi();
            api.MapTransferApi();
            api.MapTaxonomyApi();
            api.MapContributionsApi();
            api.MapOpinionsApi();
            api.MapExchangeApi();
        }
        if (roles.HasFlag(ServerRoles.Node))
        {
            api.MapHashingApi();
            api.MapMatchingApi();
            api.MapRetroactiveApi();
            api.MapHubSyncApi();
        }
        app.MapPages(roles);
        return app;
    }
}
