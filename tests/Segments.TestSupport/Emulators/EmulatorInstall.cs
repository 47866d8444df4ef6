using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Segments.TestSupport.Emulators;

/// <summary>Finds the repository and installs the emulators' npm packages when they are missing.</summary>
public static class EmulatorInstall
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The directory holding Segments.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Segments.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Segments.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>tests/emulators, after `npm ci` has run there once.</summary>
    public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        var root = RepositoryRoot();
        var emulators = Path.Combine(root, "tests", "emulators");
        if (IsInstalled(emulators))
        {
            return emulators;
        }

        // Test assemblies run in parallel processes: the first one installs, the others wait for it.
        using var gate = await LockAsync(root, cancellationToken);
        if (!IsInstalled(emulators))
        {
            await NpmCiAsync(root, cancellationToken);
        }

        return emulators;
    }

    // npm writes node_modules/.package-lock.json last, so an interrupted install does not count.
    private static bool IsInstalled(string emulators) =>
        File.Exists(Path.Combine(emulators, "node_modules", ".package-lock.json"));

    private static async Task<FileStream> LockAsync(string root, CancellationToken cancellationToken)
    {
        // In the temp directory so the work tree stays clean; one lock per checkout.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"segments-emulators-{hash}.lock");
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock between processes (flock on Unix).
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    private static async Task NpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "ci", "--prefix", "tests/emulators", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(arg);
        }

        using var npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm.");
        var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm ci --prefix tests/emulators did not finish within {InstallTimeout.TotalMinutes:0} min.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"npm ci --prefix tests/emulators failed with exit code {npm.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
        }
    }
}
