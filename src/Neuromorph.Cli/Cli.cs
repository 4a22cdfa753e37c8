namespace Neuromorph.Cli;

/// <summary>The <c>neuromorph</c> command line.</summary>
public static class Cli
{
    public static int Guard(Func<int> body) => body();

    public static int Run(string[] args)
    {
        Console.Error.WriteLine("neuromorph: commands are being wired up");
        return 2;
    }
}
