using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Turntide.Core.Hashing.Text;

/// <summary>
/// The text of a PDF (manifestos, publications) for the <c>text-sha256-v1</c> digest, extracted with PdfPig:
/// each page's letters in content order with the spaces and line breaks their positions imply, pages
/// separated by a line break. A PDF and a plain-text copy of the same words digest alike when the PDF carries
/// its text (not a scan) and breaks no words across lines with hyphens.
/// </summary>
public static class PdfText
{
    private static readonly byte[] Header = "%PDF-"u8.ToArray();
    private static readonly byte[] EndOfFile = "%%EOF"u8.ToArray();

    /// <summary>Where PDF readers look for the header and the end marker: the first and last kilobyte.</summary>
    private const int MarkerWindow = 1024;

    /// <summary>Digest of a PDF file, refused before reading when it is over <see cref="TextLimits.MaxBytes"/>.</summary>
    /// <exception cref="PdfTextException">Not a PDF, truncated, corrupt, encrypted, too large, or without text.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TextDigest DigestFile(string path, TextLimits? limits = null)
    {
        limits ??= TextLimits.Default;
        long length = new FileInfo(path).Length;
        if (length > limits.MaxBytes)
            throw new PdfTextException($"file is {length} bytes, over the limit of {limits.MaxBytes}");
        return Digest(File.ReadAllBytes(path), limits);
    }

    /// <exception cref="PdfTextException">Not a PDF, truncated, corrupt, encrypted, too large, or without text.</exception>
    public static TextDigest Digest(byte[] pdf, TextLimits? limits = null)
    {
        limits ??= TextLimits.Default;
        using var builder = new TextDigestBuilder(limits);
        foreach (var page in ExtractPages(pdf, limits))
        {
            builder.Append(page);
            builder.AppendBreak();
        }
        try
        {
            return builder.Finish();
        }
        catch (TextDigestException ex) when (ex.Message.StartsWith("no text", StringComparison.Ordinal))
        {
            throw new PdfTextException("the PDF has no extractable text (scanned pages are images; their text would need OCR)");
        }
    }

    /// <summary>The text of each page in order, as the digest reads it.</summary>
    /// <exception cref="PdfTextException">Not a PDF, truncated, corrupt, encrypted or too large.</exception>
    public static IEnumerable<string> ExtractPages(byte[] pdf, TextLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        limits ??= TextLimits.Default;
        if (pdf.Length > limits.MaxBytes)
            throw new PdfTextException($"the PDF is {pdf.Length} bytes, over the limit of {limits.MaxBytes}");
        if (pdf.AsSpan(0, Math.Min(pdf.Length, MarkerWindow)).IndexOf(Header) < 0)
            throw new PdfTextException("not a PDF: no %PDF- header in the first kilobyte");
        // A file cut short loses its end: readers may rebuild what is left, but the text would be incomplete.
        if (pdf.AsSpan(Math.Max(0, pdf.Length - MarkerWindow)).IndexOf(EndOfFile) < 0)
            throw new PdfTextException("truncated PDF: no %%EOF marker at the end of the file");
        return Pages(pdf, limits);
    }

    private static IEnumerable<string> Pages(byte[] pdf, TextLimits limits)
    {
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = false });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Wrap(ex, page: null);
        }
        using (document)
        {
            int pages;
            try
            {
                pages = document.NumberOfPages;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw Wrap(ex, page: null);
            }
            if (pages > limits.MaxPages)
                throw new PdfTextException($"the PDF has {pages} pages, over the limit of {limits.MaxPages}");
            long chars = 0;
            for (int number = 1; number <= pages; number++)
            {
                string text;
                try
                {
                    text = ContentOrderTextExtractor.GetText(document.GetPage(number));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    throw Wrap(ex, number);
                }
                chars += text.Length;
                if (chars > limits.MaxChars)
                    throw new PdfTextException($"the PDF's text is longer than the limit of {limits.MaxChars} characters");
                yield return text;
            }
        }
    }

    private static PdfTextException Wrap(Exception ex, int? page)
    {
        string where = page is null ? "" : $" (page {page})";
        string detail = OneLine(ex.Message);
        return ex switch
        {
            PdfDocumentEncryptedException => new PdfTextException($"encrypted PDF: its text cannot be read without the password{where}"),
            _ => new PdfTextException($"corrupt PDF{where}: {detail}"),
        };
    }

    private static string OneLine(string message)
    {
        var sb = new StringBuilder(Math.Min(message.Length, 200));
        foreach (char c in message)
        {
            if (sb.Length >= 200)
            {
                sb.Append("...");
                break;
            }
            sb.Append(char.IsControl(c) ? ' ' : c);
        }
        return sb.ToString().Trim();
    }
}

/// <summary>Why the text of a PDF could not be read: one sentence a person can act on.</summary>
public sealed class PdfTextException(string reason) : Exception(reason);
