using System.CommandLine;
using System.CommandLine.Invocation;
using Turntide.Cli.Admin;
using Turntide.Cli.Audit;
using Turntide.Cli.Banks;
using Turntide.Cli.Common;
using Turntide.Cli.Hashing;
using Turntide.Cli.Index;
using Turntide.Cli.Serving;
using Turntide.Cli.Urls;
using Turntide.Cli.Video;

var root = new RootCommand("Turntide: share, match and act on signals of known terrorist and violent-extremist content.");
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(SampleImagesCommand.Create());
root.Subcommands.Add(TextDigestCommand.Create());
root.Subcommands.Add(UrlCommand.Create());
root.Subcommands.Add(VpdqCommand.Create());
root.Subcommands.Add(CompareVideoCommand.Create());
root.Subcommands.Add(IndexCommand.Create());
root.Subcommands.Add(MatchCommand.Create());
root.Subcommands.Add(BenchCommand.Create(IndexBenchCommand.Create()));
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(AdminCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
root.Subcommands.Add(BankCommand.Create());
var parse = root.Parse(args);
if (parse.Action is ParseErrorAction usage)
    usage.ShowHelp = false; // the error lines alone; --help prints the rest
int exit = parse.Invoke();
// Usage errors (unknown options, bad values) exit with 2; 1 is kept for inputs that failed.
return parse.Errors.Count > 0 ? 2 : exit;
