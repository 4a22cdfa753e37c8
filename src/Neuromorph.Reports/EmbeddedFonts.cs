using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace Neuromorph.Reports;

/// <summary>
/// The font every plot uses: DejaVu Sans (regular and bold), embedded in this assembly
/// (licence in Fonts/LICENSE-DejaVu.txt). SkiaSharp's dependency-free native build finds no
/// fonts on a machine without <c>/usr/share/fonts</c> and then draws no text at all; carrying
/// the font makes plots identical on every machine.
/// </summary>
internal static class EmbeddedFonts
{
    /// <summary>Family name under which the embedded font is registered with ScottPlot.</summary>
    public const string Family = "Neuromorph DejaVu Sans";

    private static readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> Faces = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The bold face (ScottPlot 5.1 ignores <c>LabelStyle.Bold</c> once a font name is set, so titles take the typeface itself).</summary>
    public static SKTypeface Bold
    {
        get { EnsureRegistered(); return Faces.Value.Bold; }
    }

    /// <summary>Registers the embedded font with ScottPlot once per process.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    private static bool Register()
    {
        _ = Faces.Value;
        Fonts.FontResolvers.Insert(0, new Resolver());
        return true;
    }

    private static (SKTypeface, SKTypeface) Load() => (FromResource("DejaVuSans.ttf"), FromResource("DejaVuSans-Bold.ttf"));

    private static SKTypeface FromResource(string file)
    {
        var name = "Neuromorph.Reports.Fonts." + file;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded font resource '{name}' missing from {typeof(EmbeddedFonts).Assembly.Location}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return SKTypeface.FromData(SKData.CreateCopy(bytes))
            ?? throw new InvalidOperationException($"embedded font '{name}' could not be loaded by SkiaSharp");
    }

    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, false);

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? (bold ? Faces.Value.Bold : Faces.Value.Regular) : null;
    }
}
