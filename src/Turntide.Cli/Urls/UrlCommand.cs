using System.CommandLine;
using System.Text;
using Turntide.Core.Hashing.Urls;

namespace Turntide.Cli.Urls;

/// <summary>
/// <c>turntide url canonicalize URL...|-</c> prints each link's canonical form (the <c>url</c> signal value), one
/// per line; <c>turntide url compare A B</c> prints same-url, same-host or different.
/// </summary>
internal static class UrlCommand
{
    public static Command Create()
    {
        var command = new Command("url", "Canonical links: the url signal, and how two links match.");
        command.Subcommands.Add(Canonicalize());
        command.Subcommands.Add(Compare());
        return command;
    }

    private static Command Canonicalize()
    {
        var urls = new Argument<string[]>("URL")
        {
            Description = "Links to canonicalise; '-' reads one link per line from standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("canonicalize", $"Print the canonical form of each link (rules version {UrlCanonicalizer.Version}).") { urls };
        command.SetAction(parse => RunCanonicalize(parse.GetValue(urls)!, () => Console.In, Console.Out, Console.Error));
        return command;
    }

    private static Command Compare()
    {
        var a = new Argument<string>("A") { Description = "A link, e.g. one seen on the platform." };
        var b = new Argument<string>("B") { Description = "A link to compare it with, e.g. one from a bank." };
        var subdomains = new Option<bool>("--subdomains")
        {
            Description = "Count A's host as the same host when it is a subdomain of B's.",
        };
        var command = new Command("compare", "Print same-url, same-host or different for two links.") { a, b, subdomains };
        command.SetAction(parse => RunCompare(parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(subdomains), Console.Out, Console.Error));
        return command;
    }

    internal static int RunCanonicalize(string[] urls, Func<TextReader> stdin, TextWriter stdout, TextWriter stderr)
    {
        int failures = 0;
        foreach (var url in urls.SelectMany(u => u == "-" ? ReadLines(stdin()) : [u]))
        {
            if (UrlCanonicalizer.TryCanonicalize(url, out var canonical, out var error))
            {
                stdout.WriteLine(canonical!.Value);
            }
            else
            {
                stdout.Flush();
                stderr.WriteLine($"turntide: {Show(url)}: {error}");
                failures++;
            }
        }
        stdout.Flush();
        return failures > 0 ? 1 : 0;
    }

    internal static int RunCompare(string a, string b, bool subdomains, TextWriter stdout, TextWriter stderr)
    {
        if (!UrlCanonicalizer.TryCanonicalize(a, out var first, out var errorA))
        {
            stderr.WriteLine($"turntide: {Show(a)}: {errorA}");
            return 1;
        }
        if (!UrlCanonicalizer.TryCanonicalize(b, out var second, out var errorB))
        {
            stderr.WriteLine($"turntide: {Show(b)}: {errorB}");
            return 1;
        }
        stdout.WriteLine(UrlMatcher.Match(first!, second!, subdomains) switch
        {
            UrlMatch.SameUrl => "same-url",
            UrlMatch.SameHost => "same-host",
            _ => "different",
        });
        return 0;
    }

    /// <summary>Lines of standard input, each cut off past the URL limit so one endless line cannot fill memory.</summary>
    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        var line = new StringBuilder();
        bool overlong = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n')
            {
                if (line.Length > 0 || overlong)
                    yield return Finish();
                continue;
            }
            if (line.Length <= UrlCanonicalizer.MaxLength)
                line.Append((char)c);
            else
                overlong = true;
        }
        if (line.Length > 0 || overlong)
            yield return Finish();

        string Finish()
        {
            // An overlong line keeps MaxLength + 1 characters: enough for the canonicaliser to refuse it by length.
            string text = line.ToString().TrimEnd('\r');
            line.Clear();
            overlong = false;
            return text;
        }
    }

    private static string Show(string url)
    {
        var sb = new StringBuilder();
        foreach (char c in url.Length <= 100 ? url : url[..97] + "...")
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        return sb.ToString();
    }
}
