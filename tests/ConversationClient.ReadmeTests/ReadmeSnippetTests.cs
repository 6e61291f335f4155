namespace ConversationClient.ReadmeTests;

/// <summary>
/// Every C# block of the repository's README and of each package's README (its NuGet page) compiles as written, so no
/// page a user copies from can drift from the SDK. (The contributor docs under docs/ hold fragments, and are not checked.)
/// </summary>
public sealed class ReadmeSnippetTests
{
    /// <summary>The Markdown pages whose C# blocks are checked, relative to the repository root.</summary>
    private static readonly Lazy<IReadOnlyList<string>> Pages = new(() =>
    {
        var root = RepositoryRoot();
        return new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, Path.Combine(root, path)).Replace('\\', '/'))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    });

    private static IEnumerable<TestCaseData> Snippets() =>
        from page in Pages.Value
        from snippet in SnippetCompiler.Extract(File.ReadAllText(Path.Combine(RepositoryRoot(), page)))
        select new TestCaseData(page, snippet).SetArgDisplayNames(page, snippet.ToString());

    [TestCaseSource(nameof(Snippets))]
    public void Compiles_as_written(string page, Snippet snippet)
    {
        var problems = SnippetCompiler.Compile(snippet.Code);

        Assert.That(problems, Is.Empty, $"{page} {snippet} does not compile as written:\n{snippet.Code}");
    }

    [Test]
    public void The_library_page_has_csharp_blocks_to_check()
    {
        // The library's NuGet page carries the quick starts and the how-tos; the root README is the front door.
        var page = Path.Combine(RepositoryRoot(), "src", "ConversationClient", "README.md");
        Assert.That(SnippetCompiler.Extract(File.ReadAllText(page)), Has.Count.GreaterThanOrEqualTo(10));
    }

    [Test]
    public void A_block_using_an_undeclared_variable_is_reported()
    {
        var problems = SnippetCompiler.Compile("using ConversationClient;\nvar result = await client.DeleteAsync(\"conv_1\");");

        Assert.That(problems, Has.Some.Contains("CS0103").And.Some.StartsWith("2:"));
    }

    [Test]
    public void A_type_declared_between_top_level_statements_is_reported()
    {
        var problems = SnippetCompiler.Compile("Console.WriteLine(1);\nsealed class Job { }\nConsole.WriteLine(2);");

        Assert.That(problems, Has.Some.Contains("CS8803"));
    }

    [Test]
    public void A_block_missing_its_using_is_reported()
    {
        var problems = SnippetCompiler.Compile("var options = new ConversationClientOptions();");

        Assert.That(problems, Has.Some.Contains("CS0246"));
    }

    [Test]
    public void A_complete_block_compiles()
    {
        var problems = SnippetCompiler.Compile("""
            using ConversationClient;

            var client = ConversationClientFactory.Create(new ConversationClientOptions
            {
                Dialect = ConversationApiDialect.OpenAI,
                BaseAddress = new Uri("https://api.openai.com/v1"),
                ApiKey = "sk-test",
            });
            Console.WriteLine(await client.DeleteAsync("conv_1"));
            """);

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Only_csharp_fences_are_extracted_with_their_line_and_heading()
    {
        var snippets = SnippetCompiler.Extract("# Title\n```shell\nls\n```\n## Part\n\n```csharp\nvar x = 1;\n```\n");

        Assert.That(snippets, Has.Count.EqualTo(1));
        Assert.That(snippets[0], Is.EqualTo(new Snippet(7, "Part", "var x = 1;")));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ConversationClient.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ConversationClient.sln not found above " + AppContext.BaseDirectory);
    }
}
