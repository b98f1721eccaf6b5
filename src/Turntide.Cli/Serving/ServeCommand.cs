using System.CommandLine;
using Turntide.Server;
using Turntide.Server.Common;
using Turntide.Server.Hosting;

namespace Turntide.Cli.Serving;

/// <summary><c>turntide serve</c>: runs the server (hub, node or both) on a data folder.</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = $"Where to listen (default {DefaultUrls}, or ASPNETCORE_URLS)." };
        var data = new Option<string>("--data") { Description = "Data folder: SQLite database and sign-in keys (default ./data, or Turntide__DataDirectory)." };
        var role = new Option<string>("--role") { Description = "hub, node or both (default both, or Turntide__Role)." };
        role.AcceptOnlyFromAmong("hub", "node", "both");
        var demo = new Option<bool>("--demo") { Description = "Load demo organisations, people and banks into an empty database and print the sign-ins." };
        var command = new Command("serve", "Run the Turntide server.") { urls, data, role, demo };
        command.SetAction(async (parse, ct) =>
        {
            // Options given on the command line win; the rest come from the environment (Turntide__*), then defaults.
            var args = new List<string>();
            var url = parse.GetValue(urls) ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? DefaultUrls;
            args.AddRange(["--urls", url]);
            if (parse.GetValue(data) is { } d)
                args.Add($"--{TurntideOptions.Section}:DataDirectory={d}");
            if (parse.GetValue(role) is { } r)
                args.Add($"--{TurntideOptions.Section}:Role={r}");
            if (parse.GetValue(demo))
                args.Add($"--{TurntideOptions.Section}:DemoData=true");
            try
            {
                await ServerApp.Build([.. args]).RunAsync();
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"turntide: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
