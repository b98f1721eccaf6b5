namespace Turntide.Core.Tests;

/// <summary>Finds the shared golden vectors (../shared/testdata beside the checkout) and fails clearly without them.</summary>
internal static class TestData
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Pdq => Path.Combine(Root, "pdq");
    public static string PdqData => Path.Combine(Pdq, "data");
    public static string PdqExpected => Path.Combine(Pdq, "expected");

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("TURNTIDE_TESTDATA");
        if (!string.IsNullOrEmpty(fromEnv))
            return Directory.Exists(fromEnv) ? fromEnv : throw new DirectoryNotFoundException($"TURNTIDE_TESTDATA={fromEnv} does not exist.");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Turntide.slnx")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata"));
                if (Directory.Exists(candidate))
                    return candidate;
                throw new DirectoryNotFoundException(
                    $"The golden vectors are missing: expected {candidate} (the shared folder beside the checkout), or set TURNTIDE_TESTDATA.");
            }
        }
        throw new DirectoryNotFoundException("Cannot find the checkout root (Turntide.slnx) above " + AppContext.BaseDirectory);
    }
}
