using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Turntide.Core.Index;

/// <summary>
/// Unmanaged memory that holds an index segment's arrays: 64-byte aligned so a 32-byte hash never straddles
/// two cache lines, and on Linux backed by transparent huge pages where the kernel allows them, because
/// the index is probed at random and 4 KiB pages would cost a TLB miss on nearly every probe.
/// A block may also be a view of a memory-mapped snapshot file.
/// Segments are shared by concurrent readers, so a block is freed by its finalizer once no segment can reach
/// it, or earlier by <see cref="Dispose"/> when its owner knows no reader remains.
/// </summary>
internal sealed unsafe class NativeBlock : IDisposable
{
    private const int MAdvHugePage = 14;
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;
    private const long HugePage = 2 << 20;

    private byte* _pointer;
    private readonly nuint _mappedLength;
    private readonly Kind _kind;
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;

    private enum Kind { Mapped, Aligned, FileView }

    private NativeBlock(byte* pointer, long length, nuint mappedLength, Kind kind, MemoryMappedFile? file = null, MemoryMappedViewAccessor? view = null)
    {
        _pointer = pointer;
        Length = length;
        _mappedLength = mappedLength;
        _kind = kind;
        _file = file;
        _view = view;
        if (kind != Kind.FileView && length > 0)
            GC.AddMemoryPressure(length);
    }

    public long Length { get; }

    public byte* Pointer => _pointer;

    public bool IsMemoryMappedFile => _kind == Kind.FileView;

    /// <summary>Zeroed memory of <paramref name="length"/> bytes.</summary>
    public static NativeBlock Allocate(long length)
    {
        if (length < 0)
            throw new ArgumentOutOfRangeException(nameof(length));
        long size = Math.Max(length, 64);
        if (OperatingSystem.IsLinux() && size >= HugePage)
        {
            nuint mapped = (nuint)((size + HugePage - 1) / HugePage * HugePage);
            void* p = mmap(null, mapped, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (p == (void*)-1)
                throw new OutOfMemoryException($"Cannot map {mapped} bytes for the index (errno {Marshal.GetLastPInvokeError()}).");
            // Advice only: the kernel may refuse huge pages and the memory still works.
            madvise(p, mapped, MAdvHugePage);
            return new NativeBlock((byte*)p, length, mapped, Kind.Mapped);
        }
        var pointer = (byte*)NativeMemory.AlignedAlloc((nuint)size, 64);
        NativeMemory.Clear(pointer, (nuint)size);
        return new NativeBlock(pointer, length, 0, Kind.Aligned);
    }

    /// <summary>A read-only view of part of a file; the file is kept open while the view lives.</summary>
    public static NativeBlock MapFile(MemoryMappedFile file, long offset, long length)
    {
        var view = file.CreateViewAccessor(offset, Math.Max(length, 1), MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        return new NativeBlock(p + view.PointerOffset, length, 0, Kind.FileView, file, view);
    }

    public Span<byte> Bytes => Length <= int.MaxValue
        ? new Span<byte>(_pointer, (int)Length)
        : throw new InvalidOperationException("A block over 2 GiB has no single span.");

    public Span<T> AsSpan<T>() where T : unmanaged => new(_pointer, checked((int)(Length / sizeof(T))));

    public T* As<T>() where T : unmanaged => (T*)_pointer;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~NativeBlock() => Free();

    private void Free()
    {
        byte* p = _pointer;
        if (p == null)
            return;
        _pointer = null;
        switch (_kind)
        {
            case Kind.Mapped:
                munmap(p, _mappedLength);
                GC.RemoveMemoryPressure(Length);
                break;
            case Kind.Aligned:
                NativeMemory.AlignedFree(p);
                if (Length > 0)
                    GC.RemoveMemoryPressure(Length);
                break;
            case Kind.FileView:
                _view!.SafeMemoryMappedViewHandle.ReleasePointer();
                _view.Dispose();
                break;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(void* addr, nuint length);

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(void* addr, nuint length, int advice);
}
