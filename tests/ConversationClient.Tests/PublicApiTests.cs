using System.Reflection;
using System.Text;

namespace ConversationClient.Tests;

/// <summary>
/// The public surface, printed by reflection, must equal the committed <c>api/ConversationClient.txt</c>, so every API
/// change shows in review. After an intended change run the tests with <c>UPDATE_PUBLIC_API=1</c> and commit the file.
/// </summary>
public sealed class PublicApiTests
{
    [Test]
    public void PublicApi_MatchesTheCommittedListing()
    {
        var actual = Print(typeof(IConversationClient).Assembly);
        var path = Path.Combine(RepositoryRoot(), "api", "ConversationClient.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.That(File.Exists(path), Is.True, $"{path} is missing; run the tests with UPDATE_PUBLIC_API=1 to write it.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.That(actual, Is.EqualTo(expected),
            "The public API changed. If that is intended, run the tests with UPDATE_PUBLIC_API=1 and commit api/ConversationClient.txt.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConversationClient.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ConversationClient.sln not found above the test directory.");
    }

    private static string Print(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Describe(type)).Append('\n');
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(IsVisible)
                .Select(Describe)
                .Where(m => m is not null)
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.Append("  ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Describe(Type type)
    {
        var kind = type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct"
            : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {type.FullName}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !(m is MethodInfo { IsSpecialName: true }),
        FieldInfo f => (f.IsPublic || f.IsFamily) && !f.IsSpecialName,
        PropertyInfo p => p.GetMethod is { } g && (g.IsPublic || g.IsFamily) || p.SetMethod is { } s && (s.IsPublic || s.IsFamily),
        EventInfo e => e.AddMethod is { IsPublic: true },
        Type t => t.IsNestedPublic,
        _ => false,
    };

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        FieldInfo f when f.DeclaringType!.IsEnum => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}" + (f.IsLiteral ? $" = {f.GetRawConstantValue()}" : ""),
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {Accessors(p)}}}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {Describe(t)}",
        _ => null,
    };

    private static string Accessors(PropertyInfo property)
    {
        var text = new StringBuilder();
        if (property.GetMethod is { IsPublic: true })
        {
            text.Append("get; ");
        }

        if (property.SetMethod is { IsPublic: true } setter)
        {
            var isInit = setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            text.Append(isInit ? "init; " : "set; ");
        }

        return text.ToString();
    }

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p =>
            $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? (p.ParameterType.IsValueType ? "default" : "null")) : "")}"));

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var name = type.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
