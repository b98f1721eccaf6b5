using System.CommandLine;
using Turntide.Cli.Common;
using Turntide.Cli.Hashing;
using Turntide.Cli.Index;

var root = new RootCommand("Turntide: share, match and act on signals of known terrorist and violent-extremist content.");
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(SampleImagesCommand.Create());
root.Subcommands.Add(IndexCommand.Create());
root.Subcommands.Add(MatchCommand.Create());
root.Subcommands.Add(BenchCommand.Create(IndexBenchCommand.Create()));
return root.Parse(args).Invoke();
