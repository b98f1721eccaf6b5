using System.Text;
using BenchmarkDotNet.Attributes;
using Turntide.Core.Hashing.Text;

namespace Turntide.Benchmarks.Hashing.Text;

/// <summary>text-sha256-v1 of 1 Mi characters of prose (Latin with accents and punctuation, or Cyrillic), one core.</summary>
[MemoryDiagnoser]
public class TextDigestBenchmarks
{
    private string _text = "";

    [Params("latin", "cyrillic")]
    public string Script { get; set; } = "latin";

    [GlobalSetup]
    public void Setup()
    {
        string[] words = Script == "latin"
            ? ["The", "manifesto", "café", "naïve", "STRASSE", "—", "“quoted”", "words,", "end.", "\n"]
            : ["Манифест", "слово,", "ТЕКСТ", "—", "«цитата»", "конец.", "\n"];
        var random = new Random(42);
        var sb = new StringBuilder(1 << 20);
        while (sb.Length < 1 << 20)
            sb.Append(words[random.Next(words.Length)]).Append(' ');
        _text = sb.ToString(0, 1 << 20);
    }

    [Benchmark(Description = "Digest 1 Mi characters")]
    public string Digest() => TextDigester.Digest(_text).Hex;
}
