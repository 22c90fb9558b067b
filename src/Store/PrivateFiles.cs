using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace WaEngine.Store;

/// <summary>
/// Keeps what the service and the sandbox write readable by their own user only: the data folder and every folder in it
/// 0700, every file 0600 — databases, keys, certificates, and the files SQLite makes beside a database later (its WAL
/// and shared-memory files take the database file's mode). Every line's messages and Signal private keys live there.
/// </summary>
public static partial class PrivateFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// From now on, files and folders this process creates are its user's alone (the process's file-creation mask
    /// becomes 077); then <paramref name="folder"/> is created if missing and everything already in it (left by an
    /// older version, or copied in) is made private too. Nothing to do on Windows.
    /// </summary>
    public static void Secure(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        _ = SetCreationMask(0b000_111_111);
        Directory.CreateDirectory(folder);
        Tighten(new DirectoryInfo(folder));
    }

    [UnsupportedOSPlatform("windows")]
    private static void Tighten(DirectoryInfo folder)
    {
        if ((folder.UnixFileMode & ~FolderMode) != 0)
        {
            folder.UnixFileMode = FolderMode;
        }

        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            if (entry is DirectoryInfo child)
            {
                Tighten(child);
            }
            else if ((entry.UnixFileMode & ~FileMode) != 0)
            {
                entry.UnixFileMode = entry.UnixFileMode & FileMode;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetCreationMask(uint mask);
}
