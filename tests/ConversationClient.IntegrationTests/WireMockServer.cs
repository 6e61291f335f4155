using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ConversationClient.IntegrationTests;

/// <summary>
/// The WireMock standalone server, run from the jar that the npm package <c>wiremock</c> bundles: installs the
/// package when needed (<c>npm ci</c>), starts <c>java -jar</c> on a free loopback port with the committed mappings,
/// waits until it is healthy, and stops it (the whole process tree) when disposed.
/// </summary>
public sealed partial class WireMockServer : IDisposable
{
    private const string JarVersion = "3.13.2";
    private const string LockStampFile = ".conversationclient-lock.sha256";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly OutputLog _log;

    private WireMockServer(Process process, OutputLog log, Uri baseAddress)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        Admin = new WireMockAdmin(baseAddress);
    }

    /// <summary>Gets the server's root address, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the client of the admin API (<c>/__admin</c>).</summary>
    public WireMockAdmin Admin { get; }

    /// <summary>Gets the address of <paramref name="path"/> on the server, for example <c>/openai/v1</c>.</summary>
    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>Installs what is missing, starts the server and waits until it answers <c>/__admin/health</c>.</summary>
    /// <exception cref="InvalidOperationException">Java or npm is missing, the install failed, or the server did not start; the message says why.</exception>
    public static async Task<WireMockServer> StartAsync(CancellationToken cancellationToken)
    {
        var java = FindJava();
        var jar = await EnsureJarAsync(cancellationToken);
        var root = FindMappingsRoot();

        // A port found free may be taken before Java binds it; try again on another one.
        InvalidOperationException? lastError = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync(java, jar, root, cancellationToken);
            }
            catch (InvalidOperationException ex) when (ex.Data.Contains("PortInUse"))
            {
                lastError = ex;
            }
        }

        throw lastError!;
    }

    public void Dispose()
    {
        Admin.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // The process already ended.
        }

        _process.Dispose();
    }

    private static async Task<WireMockServer> StartOnFreePortAsync(string java, string jar, string root, CancellationToken cancellationToken)
    {
        var port = FindFreeLoopbackPort();
        var startInfo = new ProcessStartInfo(java)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[]
                 {
                     "-jar", jar,
                     "--port", port.ToString(CultureInfo.InvariantCulture),
                     "--bind-address", "127.0.0.1",
                     "--root-dir", root,
                     "--disable-banner",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var log = new OutputLog();
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var server = new WireMockServer(process, log, baseAddress);
        try
        {
            await server.WaitUntilHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                var output = _log.Text;
                var error = new InvalidOperationException(
                    $"WireMock exited with code {_process.ExitCode} before it was healthy. Its output:{Environment.NewLine}{output}");
                if (output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
                    || output.Contains("Failed to bind", StringComparison.OrdinalIgnoreCase))
                {
                    error.Data["PortInUse"] = true;
                }

                throw error;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "__admin/health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The health request timed out; ask again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException(
            $"WireMock did not answer {BaseAddress}__admin/health within {StartTimeout.TotalSeconds} s. Its output:{Environment.NewLine}{_log.Text}");
    }

    private static int FindFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The test project's folder, recorded at build time; null when it is not there (the output was moved).</summary>
    private static string? FindProjectDirectory()
    {
        var directory = typeof(WireMockServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "IntegrationTestsProjectDirectory")?.Value;
        return directory is not null && File.Exists(Path.Combine(directory, "package-lock.json")) ? directory : null;
    }

    /// <summary>The folder that holds <c>package.json</c>: the project folder when it is there, else the build output.</summary>
    private static string FindNpmFolder() => FindProjectDirectory() ?? AppContext.BaseDirectory;

    /// <summary>
    /// The WireMock root (the folder holding <c>mappings/</c>): the committed one in the project folder, so an edited
    /// or deleted mapping counts without a rebuild; else the copy in the build output.
    /// </summary>
    private static string FindMappingsRoot()
    {
        foreach (var folder in new[] { FindProjectDirectory(), AppContext.BaseDirectory })
        {
            if (folder is not null && Directory.Exists(Path.Combine(folder, "wiremock", "mappings")))
            {
                return Path.Combine(folder, "wiremock");
            }
        }

        throw new InvalidOperationException($"The WireMock mappings were found neither in the test project folder nor in '{Path.Combine(AppContext.BaseDirectory, "wiremock")}'; build the test project.");
    }

    /// <summary>Runs <c>npm ci</c> unless node_modules already holds what package-lock.json says; returns the jar's path.</summary>
    private static async Task<string> EnsureJarAsync(CancellationToken cancellationToken)
    {
        var folder = FindNpmFolder();
        var lockFile = Path.Combine(folder, "package-lock.json");
        if (!File.Exists(lockFile))
        {
            throw new InvalidOperationException($"package-lock.json was not found in '{folder}'.");
        }

        var lockHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(lockFile, cancellationToken)));
        var nodeModules = Path.Combine(folder, "node_modules");
        var stampFile = Path.Combine(nodeModules, LockStampFile);
        var jar = Path.Combine(nodeModules, "wiremock", "build", $"wiremock-standalone-{JarVersion}.jar");
        var upToDate = File.Exists(jar) && File.Exists(stampFile)
            && (await File.ReadAllTextAsync(stampFile, cancellationToken)).Trim() == lockHash;
        if (upToDate)
        {
            return jar;
        }

        var npm = FindOnPath("npm") ?? throw new InvalidOperationException(
            "The integration tests need Node.js with npm (to install the WireMock standalone server from the npm package 'wiremock'), " +
            "but 'npm' is not on the PATH. Install Node.js 18 or later (Debian/Ubuntu: apt-get install nodejs npm).");
        await RunAsync(npm, ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], folder, NpmTimeout, cancellationToken);
        if (!File.Exists(jar))
        {
            throw new InvalidOperationException($"npm ci finished but '{jar}' is not there; is package-lock.json for wiremock {JarVersion}?");
        }

        await File.WriteAllTextAsync(stampFile, lockHash, cancellationToken);
        return jar;
    }

    private static async Task RunAsync(string fileName, string[] arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var log = new OutputLog();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' in '{workingDirectory}' did not finish within {timeout.TotalMinutes} minutes. Its output:{Environment.NewLine}{log.Text}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' in '{workingDirectory}' failed with exit code {process.ExitCode}. Its output:{Environment.NewLine}{log.Text}");
        }
    }

    /// <summary>Finds Java 11 or later: <c>JAVA_HOME</c> first, then the PATH.</summary>
    private static string FindJava()
    {
        const string Install = "Install a Java runtime, 11 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), or set JAVA_HOME.";
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        var fromHome = string.IsNullOrWhiteSpace(javaHome)
            ? null
            : new[] { "java", "java.exe" }.Select(name => Path.Combine(javaHome, "bin", name)).FirstOrDefault(File.Exists);
        var java = fromHome ?? FindOnPath("java") ?? throw new InvalidOperationException(
            "The integration tests run the WireMock standalone server, which needs Java, but 'java' is neither in JAVA_HOME nor on the PATH. " + Install);

        string output;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(java, "-version")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"'{java}' could not be run ({ex.Message}). " + Install, ex);
        }

        var match = JavaVersionPattern().Match(output);
        if (match.Success)
        {
            var major = int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture);
            if (major == 1)
            {
                major = int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture);
            }

            if (major < 11)
            {
                throw new InvalidOperationException($"WireMock 3 needs Java 11 or later, but '{java}' is Java {major}. " + Install);
            }
        }

        return java;
    }

    private static string? FindOnPath(string command)
    {
        var extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [string.Empty];
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, command + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    [GeneratedRegex("version \"(?<major>\\d+)(\\.(?<minor>\\d+))?")]
    private static partial Regex JavaVersionPattern();

    /// <summary>The last lines a process wrote, for error messages.</summary>
    private sealed class OutputLog
    {
        private const int MaxLines = 200;
        private readonly Queue<string> _lines = new();

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join(Environment.NewLine, _lines);
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > MaxLines)
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}
