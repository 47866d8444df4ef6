using Segments.TestSupport.Architecture;

namespace Segments.Functions.Tests;

/// <summary>The Functions app keeps every part on its Azure service: it ships neither the embedded runtime nor SQLite.</summary>
public class FunctionsBoundaryTests
{
    [Fact]
    public void The_functions_app_references_neither_the_embedded_runtime_nor_sqlite() =>
        ProjectBoundary.ReferencesNone(typeof(FunctionsComposition).Assembly, "functions", ["Segments.Embedded", "Microsoft.Data.Sqlite", "SQLitePCLRaw."]);
}
