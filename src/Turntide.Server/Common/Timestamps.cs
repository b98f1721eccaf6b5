namespace Turntide.Server.Common;

/// <summary>
/// Times as stored: UTC, cut to whole microseconds, because PostgreSQL keeps microseconds and SQLite keeps
/// whatever it is given; the audit chain hashes times, so both must read back exactly what was written.
/// </summary>
internal static class Timestamps
{
    public static DateTime Now() => Truncate(DateTime.UtcNow);

    public static DateTime Truncate(DateTime value) =>
        new(value.Ticks - value.Ticks % 10, DateTimeKind.Utc);

    /// <summary>Round-trip text that ignores the Kind a provider hands back.</summary>
    public static string Format(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
