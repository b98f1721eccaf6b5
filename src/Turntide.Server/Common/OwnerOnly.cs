namespace Turntide.Server.Common;

/// <summary>
/// Files and folders that only the server's own user may read: the database, the key ring and its encryption
/// key. On Windows the folder's inherited ACL applies instead.
/// </summary>
internal static class OwnerOnly
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the folder (and any missing parents) as 0700; an existing folder is left as the operator made it.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, Folder);
    }

    /// <summary>
    /// Makes sure the file exists as 0600 before anything else opens it (an existing one is narrowed to 0600),
    /// so that no moment passes with it readable by others.
    /// </summary>
    public static void CreateFile(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File,
            });
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            Narrow(path);
        }
    }

    /// <summary>Takes group and other permissions off an existing file.</summary>
    public static void Narrow(string path)
    {
        if (OperatingSystem.IsWindows() || !System.IO.File.Exists(path))
            return;
        var mode = System.IO.File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
            System.IO.File.SetUnixFileMode(path, mode & ~GroupOrOther);
    }

    /// <summary>Writes a new file as 0600; fails if it exists.</summary>
    public static void WriteNewFile(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = File;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
    }
}
