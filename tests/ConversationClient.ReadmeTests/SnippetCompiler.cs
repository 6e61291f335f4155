using System.Collections.Immutable;
using System.Globalization;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ConversationClient.ReadmeTests;

/// <summary>A fenced C# block of a Markdown file: where it starts (1-based line of the fence), the heading above it and its code.</summary>
public sealed record Snippet(int Line, string Heading, string Code)
{
    public override string ToString() => $"line {Line} ({Heading})";
}

/// <summary>
/// Compiles a README's C# blocks the way a user would paste them into a new console app: each block on its own, as
/// written, with the implicit usings of <c>dotnet new console</c> and nullable reference types on, against the SDK and
/// the packages the README names. Roslyn is used in-process because one compilation per block takes milliseconds,
/// where a generated project per block would take a build each.
/// </summary>
public static partial class SnippetCompiler
{
    /// <summary>The global usings the .NET SDK adds to a console app (<c>ImplicitUsings</c> enabled, as in its templates).</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    [GeneratedRegex(@"^```(?<lang>[A-Za-z#]*)\s*$")]
    private static partial Regex Fence();

    /// <summary>The <c>```csharp</c> blocks of a Markdown text, in order.</summary>
    public static IReadOnlyList<Snippet> Extract(string markdown)
    {
        var snippets = new List<Snippet>();
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var heading = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                heading = lines[i].TrimStart('#').Trim();
                continue;
            }

            var open = Fence().Match(lines[i]);
            if (!open.Success || open.Groups["lang"].Value.Length == 0)
            {
                continue;
            }

            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            if (open.Groups["lang"].Value is "csharp" or "cs" or "c#")
            {
                snippets.Add(new Snippet(start + 1, heading, string.Join('\n', body)));
            }
        }

        return snippets;
    }

    /// <summary>Compiles one block; returns its errors and warnings, formatted with the block's own line numbers.</summary>
    public static IReadOnlyList<string> Compile(string code)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(code, parse, path: "snippet.cs");
        var usings = CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "implicit-usings.cs");
        var topLevel = tree.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(
                topLevel ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable)
            // Version-unification notes between package assemblies: what the SDK resolves silently in a real build.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });
        var compilation = CSharpCompilation.Create("Snippet", [usings, tree], References.Value, options);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)
            // An implicit using that a snippet does not need is not the snippet's fault.
            .Where(d => !(d.Id == "CS8019" || d.Location.SourceTree == usings))
            .Select(d => $"{d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(CultureInfo.InvariantCulture)}")
            .ToList();
    }

    /// <summary>The runtime's assemblies plus every managed assembly next to the tests (the SDK and the README's packages).</summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        foreach (var directory in new[] { runtime, AppContext.BaseDirectory })
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.dll"))
            {
                if (IsManaged(file))
                {
                    // Later directories win: a package's copy of an assembly is newer than the runtime's.
                    byName[Path.GetFileNameWithoutExtension(file)] = file;
                }
            }
        }

        return [.. byName.Values.Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))];
    }

    private static bool IsManaged(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
