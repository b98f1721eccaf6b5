namespace Turntide.Server.Data;

/// <summary>Where the data lives: the <c>Turntide</c> settings of the database.</summary>
internal sealed class DataOptions
{
    /// <summary>Folder for the SQLite database, the key ring and other server files (media is never stored here by matching).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string DatabaseProvider { get; set; } = "sqlite";

    /// <summary>PostgreSQL connection string; for SQLite, overrides the file under <see cref="DataDirectory"/> when set. Never logged.</summary>
    public string? ConnectionString { get; set; }

    public string SqliteConnectionString =>
        !string.IsNullOrWhiteSpace(ConnectionString)
            ? ConnectionString
            : $"Data Source={Path.Combine(Path.GetFullPath(DataDirectory), "turntide.db")}";

    public static void Check(DataOptions o, OptionsCheck c)
    {
        // The provider and its connection string are checked where the context is registered (AddTurntideData).
        c.Require(!string.IsNullOrWhiteSpace(o.DataDirectory), "DataDirectory", "a folder");
    }
}
