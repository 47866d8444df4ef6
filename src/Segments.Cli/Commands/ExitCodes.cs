namespace Segments.Cli.Commands;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidInput = 2;
}
