using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Parquet.Lake.Internal;

/// <summary>fsync(2) of a folder, which POSIX needs before a file created or renamed into it survives a power cut.</summary>
/// <remarks>.NET cannot open a folder as a file, so Linux gets libc's open/fsync/close; elsewhere this does nothing.</remarks>
internal static class DirectoryFsync
{
    // O_RDONLY (0) | O_CLOEXEC, the same value on x86-64 and arm64.
    private const int ReadOnlyCloseOnExec = 0x80000;

    /// <exception cref="IOException">The folder cannot be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var path = Encoding.UTF8.GetBytes(Path.GetFullPath(directory) + "\0");
        var fd = Libc.open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Libc.fsync(fd) != 0)
            {
                throw new IOException($"fsync of folder '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Libc.close(fd);
        }
    }

    private static class Libc
    {
#pragma warning disable SA1300, IDE1006, CA5392 // libc's own names; libc is resolved the usual way
        [DllImport("libc", SetLastError = true)]
        public static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
#pragma warning restore SA1300, IDE1006, CA5392
    }
}
