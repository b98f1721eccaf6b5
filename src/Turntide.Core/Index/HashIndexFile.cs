using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace Turntide.Core.Index;

/// <summary>How to open a snapshot.</summary>
public sealed record HashIndexLoadOptions
{
    /// <summary>
    /// Map the file instead of reading it: the index then shares the operating system's page cache (no second
    /// copy in memory, nothing to read at start) at the price of 4 KiB pages for the random probes.
    /// </summary>
    public bool MemoryMap { get; init; }

    /// <summary>Check every section's checksum and every posting's bounds (one pass over the file).</summary>
    public bool Verify { get; init; } = true;
}

/// <summary>
/// The snapshot format, version 1, little-endian:
/// a 64-byte header (magic "TTIDX256", version, header size, file length, segment and section counts,
/// section table offset, the table's XxHash3 and the header's own XxHash3), data sections each aligned to
/// 4096 bytes (so they can be mapped in place), and at the end the section table: 40 bytes per section
/// (kind, segment, slot, reserved, offset, length, XxHash3 of its bytes).
/// A segment is its info section (kind, count, slot count, requested directory bits, then per slot its bit
/// offset, width and directory bits), its hashes (32 bytes each, the four 64-bit
/// words W0..W3), ids (8 bytes each), tombstones (one bit per entry), and for a multi-index segment each
/// slot's directory ((2^bits + 1) uint32) and postings (one uint32 per entry).
/// </summary>
public static unsafe class HashIndexFile
{
    public const int Version = 1;
    private const int HeaderSize = 64;
    private const int SectionEntrySize = 40;
    private const int Alignment = 4096;
    private static ReadOnlySpan<byte> Magic => "TTIDX256"u8;

    private enum SectionKind : uint { Info = 1, Hashes = 2, Ids = 3, Tombstones = 4, Directory = 5, Postings = 6 }

    private enum SegmentKind : uint { Flat = 1, MultiIndex = 2 }

    private readonly record struct Section(SectionKind Kind, int Segment, int Slot, long Offset, long Length, ulong Checksum);

    /// <summary>True if the file starts with the snapshot magic.</summary>
    public static bool HasMagic(string path)
    {
        Span<byte> start = stackalloc byte[8];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(start, 8, throwOnEndOfStream: false) == 8 && start.SequenceEqual(Magic);
    }

    internal static void Write(string path, Segment[] segments, FlatSegment tail, int tailCount)
    {
        string temp = path + ".tmp";
        var sections = new List<Section>();
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(new byte[HeaderSize]);
            int segmentIndex = 0;
            foreach (var (segment, count) in segments.Select(s => (s, s.Count)).Append((tail, tailCount)))
            {
                if (segment == tail && count == 0)
                    continue;
                var mih = segment as MihSegment;
                sections.Add(WriteSection(stream, SectionKind.Info, segmentIndex, 0, Info(mih, count)));
                sections.Add(WriteSection(stream, SectionKind.Hashes, segmentIndex, 0, segment.HashBlock.Pointer, (long)count * sizeof(Hash256)));
                sections.Add(WriteSection(stream, SectionKind.Ids, segmentIndex, 0, segment.IdBlock.Pointer, (long)count * sizeof(long)));
                var tombstones = segment.CopyTombstones().AsSpan(0, (count + 63) / 64);
                fixed (ulong* t = tombstones)
                    sections.Add(WriteSection(stream, SectionKind.Tombstones, segmentIndex, 0, (byte*)t, tombstones.Length * 8L));
                if (mih is not null)
                {
                    for (int slot = 0; slot < mih.Layout.SlotCount; slot++)
                    {
                        var dir = mih.Directories[slot];
                        var post = mih.Postings[slot];
                        sections.Add(WriteSection(stream, SectionKind.Directory, segmentIndex, slot, dir.Pointer, dir.Length));
                        sections.Add(WriteSection(stream, SectionKind.Postings, segmentIndex, slot, post.Pointer, post.Length));
                    }
                }
                GC.KeepAlive(segment);
                segmentIndex++;
            }
            long tableOffset = stream.Position;
            var table = new byte[sections.Count * SectionEntrySize];
            for (int i = 0; i < sections.Count; i++)
            {
                var s = sections[i];
                var e = table.AsSpan(i * SectionEntrySize);
                BinaryPrimitives.WriteUInt32LittleEndian(e, (uint)s.Kind);
                BinaryPrimitives.WriteInt32LittleEndian(e[4..], s.Segment);
                BinaryPrimitives.WriteInt32LittleEndian(e[8..], s.Slot);
                BinaryPrimitives.WriteInt64LittleEndian(e[16..], s.Offset);
                BinaryPrimitives.WriteInt64LittleEndian(e[24..], s.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(e[32..], s.Checksum);
            }
            stream.Write(table);
            var header = new byte[HeaderSize];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), HeaderSize);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), stream.Position);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), segmentIndex);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), sections.Count);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), tableOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(40), XxHash3.HashToUInt64(table));
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(56), XxHash3.HashToUInt64(header.AsSpan(0, 56)));
            stream.Position = 0;
            stream.Write(header);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static byte[] Info(MihSegment? mih, int count)
    {
        int slots = mih?.Layout.SlotCount ?? 0;
        var info = new byte[16 + slots * 16];
        BinaryPrimitives.WriteUInt32LittleEndian(info, (uint)(mih is null ? SegmentKind.Flat : SegmentKind.MultiIndex));
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(4), count);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(8), slots);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(12), mih?.Layout.RequestedDirectoryBits ?? 0);
        for (int i = 0; i < slots; i++)
        {
            var e = info.AsSpan(16 + i * 16);
            BinaryPrimitives.WriteInt32LittleEndian(e, mih!.Layout.Offsets[i]);
            BinaryPrimitives.WriteInt32LittleEndian(e[4..], mih.Layout.Widths[i]);
            BinaryPrimitives.WriteInt32LittleEndian(e[8..], mih.Layout.DirectoryBits[i]);
        }
        return info;
    }

    private static Section WriteSection(FileStream stream, SectionKind kind, int segment, int slot, byte[] bytes)
    {
        fixed (byte* p = bytes)
            return WriteSection(stream, kind, segment, slot, p, bytes.Length);
    }

    private static Section WriteSection(FileStream stream, SectionKind kind, int segment, int slot, byte* data, long length)
    {
        long padding = (Alignment - stream.Position % Alignment) % Alignment;
        if (padding > 0)
            stream.Write(new byte[padding]);
        long offset = stream.Position;
        var hash = new XxHash3();
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(1 << 24, length - done);
            var span = new ReadOnlySpan<byte>(data + done, n);
            hash.Append(span);
            stream.Write(span);
            done += n;
        }
        return new Section(kind, segment, slot, offset, length, hash.GetCurrentHashAsUInt64());
    }

    internal static Segment[] Read(string path, HashIndexLoadOptions options)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(handle);
        var header = new byte[HeaderSize];
        if (fileLength < HeaderSize || RandomAccess.Read(handle, header, 0) != HeaderSize)
            throw Bad(path, $"not a Turntide hash index: only {fileLength} bytes");
        if (!header.AsSpan(0, 8).SequenceEqual(Magic))
            throw Bad(path, $"not a Turntide hash index (it starts with \"{Printable(header.AsSpan(0, 8))}\", not \"TTIDX256\")");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (version != Version)
            throw Bad(path, $"index format version {version}; this build reads version {Version}");
        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(56)) != XxHash3.HashToUInt64(header.AsSpan(0, 56)))
            throw Bad(path, "the header is damaged (checksum mismatch)");
        long declaredLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        if (declaredLength != fileLength)
            throw Bad(path, $"the file is {fileLength} bytes but its header says {declaredLength}: truncated or appended to");
        int segmentCount = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(24));
        int sectionCount = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(28));
        long tableOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        if (segmentCount < 0 || sectionCount < 0 || sectionCount > 1 << 20
            || tableOffset < HeaderSize || tableOffset + (long)sectionCount * SectionEntrySize != fileLength)
            throw Bad(path, "the section table is out of place");
        var table = new byte[sectionCount * SectionEntrySize];
        RandomAccess.Read(handle, table, tableOffset);
        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40)) != XxHash3.HashToUInt64(table))
            throw Bad(path, "the section table is damaged (checksum mismatch)");
        var sections = new Section[sectionCount];
        for (int i = 0; i < sectionCount; i++)
        {
            var e = table.AsSpan(i * SectionEntrySize);
            var s = new Section((SectionKind)BinaryPrimitives.ReadUInt32LittleEndian(e), BinaryPrimitives.ReadInt32LittleEndian(e[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(e[8..]), BinaryPrimitives.ReadInt64LittleEndian(e[16..]),
                BinaryPrimitives.ReadInt64LittleEndian(e[24..]), BinaryPrimitives.ReadUInt64LittleEndian(e[32..]));
            if (s.Offset < HeaderSize || s.Length < 0 || s.Offset + s.Length > tableOffset)
                throw Bad(path, $"section {i} lies outside the file");
            sections[i] = s;
        }

        if (options.Verify)
            CheckPadding(path, handle, sections, tableOffset);

        // Views keep the mapping alive after the file handle closes; the mapping object goes when its views do.
        var map = options.MemoryMap && fileLength > HeaderSize
            ? MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true)
            : null;
        var loaded = new List<NativeBlock>();
        try
        {
            NativeBlock Load(Section s, string what)
            {
                NativeBlock block;
                if (map is not null)
                {
                    block = NativeBlock.MapFile(map, s.Offset, s.Length);
                }
                else
                {
                    block = NativeBlock.Allocate(s.Length);
                    for (long done = 0; done < s.Length;)
                    {
                        int n = RandomAccess.Read(handle, new Span<byte>(block.Pointer + done, (int)Math.Min(1 << 24, s.Length - done)), s.Offset + done);
                        if (n == 0)
                            throw Bad(path, $"{what} ends early");
                        done += n;
                    }
                }
                loaded.Add(block);
                if (options.Verify && Checksum(block) != s.Checksum)
                    throw Bad(path, $"{what} is damaged (checksum mismatch)");
                return block;
            }

            var segments = new Segment[segmentCount];
            for (int seg = 0; seg < segmentCount; seg++)
                segments[seg] = ReadSegment(path, seg, sections.Where(s => s.Segment == seg).ToArray(), Load, options.Verify);
            return segments;
        }
        catch
        {
            foreach (var b in loaded)
                b.Dispose();
            map?.Dispose();
            throw;
        }
    }

    private static Segment ReadSegment(string path, int seg, Section[] sections, Func<Section, string, NativeBlock> load, bool verify)
    {
        Section Find(SectionKind kind, int slot = 0) =>
            sections.FirstOrDefault(s => s.Kind == kind && s.Slot == slot) is { Length: >= 0 } s && s.Kind == kind
                ? s
                : throw Bad(path, $"segment {seg} has no {kind} section{(kind is SectionKind.Directory or SectionKind.Postings ? $" for slot {slot}" : "")}");

        var infoSection = Find(SectionKind.Info);
        if (infoSection.Length is < 16 or > 16 + MihLayout.MaxSlots * 16)
            throw Bad(path, $"segment {seg}: its description has a bad size");
        byte[] info;
        using (var infoBlock = load(infoSection, $"segment {seg}'s description"))
            info = infoBlock.Bytes.ToArray();
        var kind = (SegmentKind)BinaryPrimitives.ReadUInt32LittleEndian(info);
        int count = BinaryPrimitives.ReadInt32LittleEndian(info.AsSpan(4));
        int slots = BinaryPrimitives.ReadInt32LittleEndian(info.AsSpan(8));
        if (kind is not (SegmentKind.Flat or SegmentKind.MultiIndex) || count < 0 || count > MihLayout.MaxSegmentEntries)
            throw Bad(path, $"segment {seg}: unknown kind {(uint)kind} or count {count}");

        var hashes = load(Expect(path, Find(SectionKind.Hashes), (long)count * sizeof(Hash256), seg), $"segment {seg}'s hashes");
        var ids = load(Expect(path, Find(SectionKind.Ids), (long)count * sizeof(long), seg), $"segment {seg}'s ids");
        ulong[] tombstones;
        using (var t = load(Expect(path, Find(SectionKind.Tombstones), (count + 63) / 64 * 8L, seg), $"segment {seg}'s tombstones"))
            tombstones = t.AsSpan<ulong>().ToArray();
        if (count % 64 != 0 && tombstones.Length > 0 && (tombstones[^1] >> (count % 64)) != 0)
            throw Bad(path, $"segment {seg}: tombstones past its end");

        if (kind == SegmentKind.Flat)
        {
            if (slots != 0)
                throw Bad(path, $"segment {seg}: a flat segment with slots");
            return new FlatSegment(hashes, ids, count, tombstones);
        }

        if (slots is < 8 or > MihLayout.MaxSlots || info.Length != 16 + slots * 16)
            throw Bad(path, $"segment {seg}: {slots} slots");
        int requested = BinaryPrimitives.ReadInt32LittleEndian(info.AsSpan(12));
        if (requested is < 1 or > 32)
            throw Bad(path, $"segment {seg}: {requested} directory bits");
        var layout = new MihLayout(slots, requested, count);
        for (int i = 0; i < slots; i++)
        {
            var e = info.AsSpan(16 + i * 16);
            if (BinaryPrimitives.ReadInt32LittleEndian(e) != layout.Offsets[i] || BinaryPrimitives.ReadInt32LittleEndian(e[4..]) != layout.Widths[i]
                || BinaryPrimitives.ReadInt32LittleEndian(e[8..]) != layout.DirectoryBits[i])
                throw Bad(path, $"segment {seg}: slot {i} has a layout this build does not use");
        }
        var directories = new NativeBlock[slots];
        var postings = new NativeBlock[slots];
        for (int i = 0; i < slots; i++)
        {
            long buckets = 1L << layout.DirectoryBits[i];
            directories[i] = load(Expect(path, Find(SectionKind.Directory, i), (buckets + 1) * sizeof(uint), seg), $"segment {seg}'s slot {i} directory");
            postings[i] = load(Expect(path, Find(SectionKind.Postings, i), (long)count * sizeof(uint), seg), $"segment {seg}'s slot {i} postings");
            if (verify)
                CheckBounds(path, seg, i, directories[i].As<uint>(), buckets, postings[i].As<uint>(), count, layout.RemainderBits(i));
        }
        return new MihSegment(hashes, ids, count, layout, directories, postings, tombstones);
    }

    /// <summary>
    /// The checksum guards against damage, not malice: the bounds that every probe relies on are checked too,
    /// so a crafted file cannot make a query read outside the arrays.
    /// </summary>
    private static void CheckBounds(string path, int seg, int slot, uint* dir, long buckets, uint* post, int count, int remainderBits)
    {
        if (dir[0] != 0 || dir[buckets] != (uint)count)
            throw Bad(path, $"segment {seg}: slot {slot} directory does not cover its postings");
        for (long k = 0; k < buckets; k++)
        {
            if (dir[k] > dir[k + 1])
                throw Bad(path, $"segment {seg}: slot {slot} directory is not in order");
        }
        for (int i = 0; i < count; i++)
        {
            if ((post[i] >> remainderBits) >= (uint)count)
                throw Bad(path, $"segment {seg}: slot {slot} posting {i} points past the segment");
        }
    }

    /// <summary>
    /// Between sections lies only zero padding up to the next 4096-byte boundary, so that every byte of the
    /// file is covered by a checksum or by this check.
    /// </summary>
    private static void CheckPadding(string path, Microsoft.Win32.SafeHandles.SafeFileHandle handle, Section[] sections, long tableOffset)
    {
        long position = HeaderSize;
        var gap = new byte[Alignment];
        foreach (var s in sections.OrderBy(s => s.Offset).Append(new Section(0, 0, 0, tableOffset, 0, 0)))
        {
            long length = s.Offset - position;
            if (length < 0 || length >= Alignment)
                throw Bad(path, "its sections overlap or leave a gap");
            if (length > 0)
            {
                var span = gap.AsSpan(0, (int)length);
                if (RandomAccess.Read(handle, span, position) != length || span.IndexOfAnyExcept((byte)0) >= 0)
                    throw Bad(path, $"the padding at byte {position} is damaged");
            }
            position = s.Offset + s.Length;
        }
    }

    private static Section Expect(string path, Section s, long length, int seg) =>
        s.Length == length ? s : throw Bad(path, $"segment {seg}: {s.Kind} section is {s.Length} bytes, expected {length}");

    private static ulong Checksum(NativeBlock block)
    {
        var hash = new XxHash3();
        for (long done = 0; done < block.Length;)
        {
            int n = (int)Math.Min(1 << 24, block.Length - done);
            hash.Append(new ReadOnlySpan<byte>(block.Pointer + done, n));
            done += n;
        }
        return hash.GetCurrentHashAsUInt64();
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (byte b in bytes)
            sb.Append(b is >= 32 and < 127 ? (char)b : '.');
        return sb.ToString();
    }

    private static InvalidDataException Bad(string path, string reason) => new($"{path}: {reason}");
}
