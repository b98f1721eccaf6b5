namespace Turntide.Cli.Tests;

/// <summary>The shared golden vectors beside the checkout; fails clearly when they are missing.</summary>
internal static class TestData
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var fromEnv = Environment.GetEnvironmentVariable("TURNTIDE_TESTDATA");
        if (!string.IsNullOrEmpty(fromEnv))
            return Directory.Exists(fromEnv) ? fromEnv : throw new DirectoryNotFoundException($"TURNTIDE_TESTDATA={fromEnv} does not exist.");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Turntide.slnx")))
                continue;
            var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata"));
            return Directory.Exists(candidate)
                ? candidate
                : throw new DirectoryNotFoundException($"The golden vectors are missing: expected {candidate}, or set TURNTIDE_TESTDATA.");
        }
        throw new DirectoryNotFoundException("Cannot find the checkout root (Turntide.slnx) above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;
    public static string PdqData => Path.Combine(Root, "pdq", "data");
    public static string PdqExpected => Path.Combine(Root, "pdq", "expected");
}
