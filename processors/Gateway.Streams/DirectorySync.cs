using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Streams;

/// <summary>fsync of a directory, so a file created or renamed in it survives power loss.</summary>
/// <remarks>
/// POSIX only makes a new directory entry durable once the directory itself is fsynced. .NET refuses to open a
/// directory as a file (SafeFileHandle rejects S_IFDIR with EACCES), so on Linux this calls open/fsync/close in libc
/// directly. Elsewhere it does nothing: Windows has no directory flush reachable from .NET and NTFS journals the
/// entry, and the embedded stream targets Linux for its crash guarantees.
/// </remarks>
public static class DirectorySync
{
    // Same value on x86-64 and arm64; O_RDONLY is 0 and is enough to fsync a directory on Linux.
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>Makes entries created or renamed in <paramref name="directory"/> durable; a no-op off Linux.</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var path = Encoding.UTF8.GetBytes(Path.GetFullPath(directory) + "\0");
        var fd = NativeMethods.open(path, OpenCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // libc's names
        public static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
#pragma warning restore SA1300, IDE1006
    }
}
