using System.Text;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// Writes a file under <c>&lt;data&gt;/secrets/</c> (the visitor-id key, the admin token's hash): folder 0700, file 0600 from
/// its creation, atomically (<see cref="AtomicFile"/>), so a crash leaves the old content or the whole new one.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Writes <paramref name="text"/> and a newline; false when <paramref name="overwrite"/> is off and the file already exists.</summary>
    public static bool Write(string path, string text, bool overwrite)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode0700);
            }

            DirectorySync.Flush(Path.GetDirectoryName(directory)!);
        }

        return AtomicFile.Write(path, Encoding.ASCII.GetBytes(text + "\n"), FileMode0600, overwrite);
    }
}
