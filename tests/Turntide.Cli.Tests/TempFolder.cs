namespace Turntide.Cli.Tests;

/// <summary>A folder of test files, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("turntide-cli-").FullName;

    public string File(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Copy(string name, string source) => File(name, System.IO.File.ReadAllBytes(source));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Output of one in-process run of a command.</summary>
internal sealed record CommandRun(int Exit, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
