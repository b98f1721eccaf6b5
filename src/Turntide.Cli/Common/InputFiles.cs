namespace Turntide.Cli.Common;

/// <summary>One file to process, with the path as the user should see it.</summary>
internal sealed record InputFile(string Path, string DisplayPath);

/// <summary>Expands command-line paths: files as given, folders recursively in ordinal name order.</summary>
internal static class InputFiles
{
    /// <summary>
    /// Files named explicitly are always taken; inside folders only files whose extension
    /// <paramref name="takeFromFolder"/> accepts, so that a folder of images with notes beside them just works.
    /// Paths that do not exist are returned as errors, in order.
    /// </summary>
    public static IEnumerable<(InputFile? File, string? Error)> Expand(IEnumerable<string> paths, Func<string, bool> takeFromFolder)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                yield return (new InputFile(path, path), null);
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Walk(path))
                {
                    if (takeFromFolder(file))
                        yield return (new InputFile(file, Display(path, file)), null);
                }
            }
            else
            {
                yield return (null, $"{path}: no such file or folder");
            }
        }
    }

    private static IEnumerable<string> Walk(string folder)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(current).Order(StringComparer.Ordinal))
                yield return file;
            foreach (var sub in Directory.EnumerateDirectories(current).OrderDescending(StringComparer.Ordinal))
                pending.Push(sub);
        }
    }

    // "." as the folder shows paths relative to it, as the reference hasher prints them.
    private static string Display(string folder, string file) =>
        folder is "." or "./" ? Path.GetRelativePath(".", file) : file;
}
