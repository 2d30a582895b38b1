using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GpuGan.Data;

namespace GpuGan.Training;

/// <summary>
/// The checkpoint file: "GPUGANCK", format version, the run state as JSON, named float tensors, and a CRC-32
/// of all preceding bytes. Written atomically: a temporary file in the same folder is filled, flushed to
/// disk and renamed over the target, so a crash never leaves a half-written checkpoint under the real name.
/// </summary>
public sealed class Checkpoint
{
    static readonly byte[] Magic = "GPUGANCK"u8.ToArray();
    const int FormatVersion = 1;
    const int MaxTensors = 10_000;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A null where the C# type has none ("outDir": null in a hand-edited state) is a JSON error, not a crash later.
        RespectNullableAnnotations = true,
    };

    public required TrainState State { get; init; }
    public required IReadOnlyDictionary<string, (int[] Shape, float[] Data)> Tensors { get; init; }

    public static string FileName(long iteration) => $"checkpoint_{iteration:D8}.gpugan";

    public void Save(string path) => AtomicFile.Write(path, fs =>
    {
        var crcStream = new CrcWriter(fs);
        using (var w = new BinaryWriter(crcStream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(State, Json);
            w.Write(json.Length);
            w.Write(json);
            w.Write(Tensors.Count);
            foreach (var (name, (shape, data)) in Tensors)
            {
                w.Write(name);
                w.Write(shape.Length);
                foreach (int d in shape) w.Write(d);
                w.Write(data.Length);
                var bytes = new byte[data.Length * 4];
                for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
                w.Write(bytes);
            }
        }
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, crcStream.Crc);
        fs.Write(crc);
    });

    public static Checkpoint Load(string path)
    {
        byte[] all;
        try { all = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new CheckpointException($"{path}: checkpoint not found"); }
        catch (DirectoryNotFoundException) { throw new CheckpointException($"{path}: checkpoint not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CheckpointException($"{path}: cannot read checkpoint: {e.Message}"); }

        if (all.Length < Magic.Length + 12 || !all.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException($"{path}: not a GpuGan checkpoint (bad header)");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(all.AsSpan(all.Length - 4));
        if (Crc32.HashToUInt32(all.AsSpan(0, all.Length - 4)) != stored)
            throw new CheckpointException($"{path}: checkpoint is corrupt or truncated (CRC mismatch)");
        try
        {
            using var r = new BinaryReader(new MemoryStream(all, 0, all.Length - 4), Encoding.UTF8);
            r.ReadBytes(Magic.Length);
            int version = r.ReadInt32();
            if (version != FormatVersion) throw new CheckpointException($"{path}: checkpoint format {version}, this GpuGan reads {FormatVersion}");
            int jsonLength = r.ReadInt32();
            // Lengths are checked against what is left before anything is allocated, so a corrupt length costs nothing.
            long Left() => r.BaseStream.Length - r.BaseStream.Position;
            if (jsonLength < 0 || jsonLength > Left()) throw new CheckpointException($"{path}: checkpoint's run state claims {jsonLength} bytes, {Left()} are left");
            var state = ParseState(r.ReadBytes(jsonLength), path);
            int count = r.ReadInt32();
            if (count is < 0 or > MaxTensors) throw new CheckpointException($"{path}: checkpoint lists {count} tensors");
            var tensors = new Dictionary<string, (int[], float[])>(count);
            for (int t = 0; t < count; t++)
            {
                string name = r.ReadString();
                int rank = r.ReadInt32();
                if (rank is < 0 or > 8) throw new CheckpointException($"{path}: tensor {Text.OneLine.Quote(name)} has rank {rank}");
                var shape = new int[rank];
                for (int i = 0; i < rank; i++) shape[i] = r.ReadInt32();
                int length = r.ReadInt32();
                // Saturates above int.MaxValue, which no length can equal, so eight large dimensions cannot overflow.
                long expect = shape.Any(d => d < 0) ? -1 : shape.Aggregate(1L, (a, d) => Math.Min(a * d, int.MaxValue + 1L));
                if (length != expect || length < 0)
                    throw new CheckpointException($"{path}: tensor {Text.OneLine.Quote(name)} holds {length} values for shape ({string.Join(", ", shape)})");
                if (length * 4L > Left()) throw new CheckpointException($"{path}: checkpoint is truncated in tensor {Text.OneLine.Quote(name)}");
                var bytes = r.ReadBytes(length * 4);
                var data = new float[length];
                for (int i = 0; i < length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
                if (!tensors.TryAdd(name, (shape, data))) throw new CheckpointException($"{path}: tensor {Text.OneLine.Quote(name)} appears twice");
            }
            return new Checkpoint { State = state, Tensors = tensors };
        }
        catch (CheckpointException) { throw; }
        catch (Exception e) when (e is EndOfStreamException or JsonException or ArgumentException or NotSupportedException)
        {
            throw new CheckpointException($"{path}: checkpoint is malformed: {Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)}");
        }
    }

    /// <summary>
    /// The run state (the JSON a checkpoint carries; its options are what config.json holds), checked as a training run
    /// checks its options, so a hand-edited or corrupt state is one error here rather than a failure later.
    /// </summary>
    internal static TrainState ParseState(byte[] json, string path)
    {
        TrainState state;
        try { state = JsonSerializer.Deserialize<TrainState>(json, Json) ?? throw new CheckpointException($"{path}: checkpoint has no run state"); }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new CheckpointException($"{path}: checkpoint's run state is malformed: {Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)}");
        }
        if (state.Options is null || state.Options.Model is null) throw new CheckpointException($"{path}: checkpoint's run state has no options");
        try { state.Options.Validate(); }
        catch (Exception e) when (e is TrainOptionException or ArgumentException)
        {
            throw new CheckpointException($"{path}: checkpoint's run options are invalid: {Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)}");
        }
        return state;
    }

    /// <summary>A checkpoint file, or a run folder (its checkpoints/ folder's latest checkpoint).</summary>
    public static string Resolve(string fileOrRunFolder)
    {
        if (File.Exists(fileOrRunFolder)) return fileOrRunFolder;
        if (Directory.Exists(fileOrRunFolder))
        {
            string dir = Path.Combine(fileOrRunFolder, "checkpoints");
            if (!Directory.Exists(dir)) dir = fileOrRunFolder;
            var latest = Directory.GetFiles(dir, "checkpoint_*.gpugan").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();
            return latest ?? throw new CheckpointException($"{fileOrRunFolder}: no checkpoint_*.gpugan in {dir}");
        }
        throw new CheckpointException($"{fileOrRunFolder}: no such checkpoint file or run folder");
    }

    /// <summary>Feeds every byte written through a CRC-32.</summary>
    sealed class CrcWriter(Stream inner) : Stream
    {
        readonly Crc32 crc = new();
        public uint Crc => crc.GetCurrentHashAsUInt32();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            crc.Append(buffer);
            inner.Write(buffer);
        }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
