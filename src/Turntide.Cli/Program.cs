using System.CommandLine;
using Turntide.Cli.Hashing;
using Turntide.Cli.Video;

var root = new RootCommand("Turntide: share, match and act on signals of known terrorist and violent-extremist content.");
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(SampleImagesCommand.Create());
root.Subcommands.Add(VpdqCommand.Create());
root.Subcommands.Add(CompareVideoCommand.Create());
return root.Parse(args).Invoke();
