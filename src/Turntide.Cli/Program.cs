using System.CommandLine;
using Turntide.Cli.Hashing;

var root = new RootCommand("Turntide: share, match and act on signals of known terrorist and violent-extremist content.");
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(SampleImagesCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Usage errors exit with 2, so scripts can tell them from inputs that failed (exit 1).
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"turntide: {error.Message}");
    Console.Error.WriteLine("Run 'turntide --help' (or 'turntide COMMAND --help') for usage.");
    return 2;
}
return parse.Invoke();
