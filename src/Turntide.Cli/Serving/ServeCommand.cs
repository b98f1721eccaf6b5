using System.CommandLine;
using Turntide.Server;
using Turntide.Server.Features.Hosting;

namespace Turntide.Cli.Serving;

/// <summary><c>turntide serve</c>: runs the server (hub, node or both) on a data folder.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var data = new Option<string>("--data") { Description = "Data folder (SQLite database, sign-in keys).", DefaultValueFactory = _ => "data" };
        var role = new Option<string>("--role") { Description = "hub, node or both.", DefaultValueFactory = _ => "both" };
        role.AcceptOnlyFromAmong("hub", "node", "both");
        var demo = new Option<bool>("--demo") { Description = "Load demo organisations, people and banks into an empty database and print the sign-ins." };
        var command = new Command("serve", "Run the Turntide server.") { urls, data, role, demo };
        command.SetAction(async (parse, ct) =>
        {
            string[] args =
            [
                "--urls", parse.GetValue(urls)!,
                $"--{ServerOptions.Section}:DataDirectory={parse.GetValue(data)}",
                $"--{ServerOptions.Section}:Role={parse.GetValue(role)}",
                $"--{ServerOptions.Section}:DemoData={(parse.GetValue(demo) ? "true" : "false")}",
            ];
            try
            {
                await ServerApp.Build(args).RunAsync();
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"turntide: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
