using System.CommandLine;

namespace Turntide.Cli.Common;

/// <summary><c>turntide bench MODE</c>: whole-process benchmarks, one subcommand per feature.</summary>
internal static class BenchCommand
{
    public static Command Create(params Command[] modes)
    {
        var bench = new Command("bench", "Measure a feature in a whole process (figures vary with machine load: run on a quiet machine).");
        foreach (var mode in modes)
            bench.Subcommands.Add(mode);
        return bench;
    }
}
