using System.Diagnostics;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Turntide.Core.Tests.Hashing.Text;

/// <summary>PDFs made at test time: with PdfPig's writer, and with Ghostscript's ps2pdf (a different, real-world producer).</summary>
internal static class TestPdfs
{
    /// <summary>DejaVu Sans from Debian's fonts-dejavu-core (installed by scripts/setup.sh): embedded for non-Latin-1 text.</summary>
    public const string UnicodeFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>One page per array of lines, each line drawn as one text run.</summary>
    public static byte[] Build(params string[][] pages)
    {
        if (!File.Exists(UnicodeFontPath))
            throw new FileNotFoundException($"{UnicodeFontPath} is missing: run scripts/setup.sh (Debian package fonts-dejavu-core).");
        var builder = new PdfDocumentBuilder();
        var font = builder.AddTrueTypeFont(File.ReadAllBytes(UnicodeFontPath));
        foreach (var lines in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            double y = 780;
            foreach (var line in lines)
            {
                page.AddText(line, 11, new PdfPoint(50, y), font);
                y -= 16;
            }
        }
        return builder.Build();
    }

    /// <summary>A page with a drawing and no text at all, like a scan.</summary>
    public static byte[] BuildWithoutText()
    {
        var builder = new PdfDocumentBuilder();
        builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.DrawRectangle(new PdfPoint(50, 50), 200, 100);
        return builder.Build();
    }

    /// <summary>Runs Ghostscript's ps2pdf on a PostScript program; extra arguments go before the file names.</summary>
    public static byte[] FromPostScript(string postscript, params string[] options)
    {
        string dir = Directory.CreateTempSubdirectory("turntide-pdf-").FullName;
        try
        {
            string ps = Path.Combine(dir, "in.ps"), pdf = Path.Combine(dir, "out.pdf");
            File.WriteAllText(ps, postscript);
            var start = new ProcessStartInfo("ps2pdf") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var option in options)
                start.ArgumentList.Add(option);
            start.ArgumentList.Add(ps);
            start.ArgumentList.Add(pdf);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("Ghostscript's ps2pdf is needed for this test: run scripts/setup.sh (Debian package ghostscript).", ex);
            }
            using (process)
            {
                string stderr = process.StandardError.ReadToEnd();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"ps2pdf failed ({process.ExitCode}): {stderr}");
            }
            return File.ReadAllBytes(pdf);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A two-page PostScript manifesto whose words are placed one by one, as typesetters do.</summary>
    public const string PostScriptTwoPages = """
        %!PS
        /Helvetica findfont 12 scalefont setfont
        72 700 moveto (Our demands,) show
        160 700 moveto (stated) show
        210 700 moveto (plainly.) show
        72 680 moveto (Second line here.) show
        showpage
        /Times-Roman findfont 14 scalefont setfont
        72 700 moveto (Page two: the END) show
        showpage
        """;

    /// <summary>The plain text of <see cref="PostScriptTwoPages"/>.</summary>
    public const string PostScriptTwoPagesText = "Our demands, stated plainly.\nSecond line here.\nPage two: the END";
}
