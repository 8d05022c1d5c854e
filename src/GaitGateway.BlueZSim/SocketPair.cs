using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace GaitGateway.BlueZSim;

/// <summary>socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC): what bluetoothd creates for AcquireNotify.</summary>
internal static partial class SocketPair
{
    private const int AfUnix = 1;
    private const int SockSeqPacket = 5;
    private const int SockCloExec = 0x80000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, Span<int> sv);

    public static (Socket Local, SafeSocketHandle Remote) Create()
    {
        Span<int> fds = stackalloc int[2];
        if (socketpair(AfUnix, SockSeqPacket | SockCloExec, 0, fds) != 0)
            throw new SocketException(Marshal.GetLastPInvokeError());
        var local = new Socket(new SafeSocketHandle(fds[0], ownsHandle: true)) { Blocking = false };
        return (local, new SafeSocketHandle(fds[1], ownsHandle: true));
    }
}
