using Microsoft.Extensions.Options;

namespace Turntide.Server.Common;

/// <summary>
/// Each feature binds its own options class from the <c>Turntide</c> configuration section (environment variables
/// <c>Turntide__Name</c>), checks it at start-up so that a bad setting stops the server with its name, and registers it
/// as <see cref="IOptions{TOptions}"/>. Keys are flat (<c>Turntide:MaxUploadBytes</c>), except a feature's own
/// subsection such as <c>Turntide:Hub</c>. docs/server.md lists every key.
/// </summary>
internal static class TurntideOptions
{
    public const string Section = "Turntide";

    /// <summary>Binds <typeparamref name="T"/> from <c>Turntide</c> (or <c>Turntide:{subsection}</c>), runs <paramref name="check"/> and registers it.</summary>
    public static T AddTurntideOptions<T>(this WebApplicationBuilder builder, Action<T, OptionsCheck>? check = null,
        string? subsection = null) where T : class, new()
    {
        var options = Bind<T>(builder.Configuration, check, subsection);
        builder.Services.AddSingleton(Options.Create(options));
        return options;
    }

    /// <summary>Binds and checks without registering, for services built outside the web host (the CLI's offline commands).</summary>
    public static T Bind<T>(IConfiguration configuration, Action<T, OptionsCheck>? check = null, string? subsection = null)
        where T : class, new()
    {
        string path = subsection is null ? Section : $"{Section}:{subsection}";
        var options = configuration.GetSection(path).Get<T>() ?? new T();
        check?.Invoke(options, new OptionsCheck(subsection));
        return options;
    }
}

/// <summary>Refuses a setting with its full key and the range it must lie in.</summary>
internal sealed class OptionsCheck(string? subsection)
{
    /// <summary>Throws <see cref="InvalidOperationException"/> "Turntide:{name} must be {range}." unless <paramref name="ok"/>.</summary>
    public void Require(bool ok, string name, string range)
    {
        if (!ok)
            throw new InvalidOperationException($"{Key(name)} must be {range}.");
    }

    /// <summary>The full configuration key of a setting, as error messages name it.</summary>
    public string Key(string name) =>
        subsection is null ? $"{TurntideOptions.Section}:{name}" : $"{TurntideOptions.Section}:{subsection}:{name}";
}
