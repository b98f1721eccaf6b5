using System.CommandLine;
using Turntide.Cli.Admin;
using Turntide.Cli.Audit;
using Turntide.Cli.Hashing;
using Turntide.Cli.Serving;

var root = new RootCommand("Turntide: share, match and act on signals of known terrorist and violent-extremist content.");
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(SampleImagesCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(AdminCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
return root.Parse(args).Invoke();
