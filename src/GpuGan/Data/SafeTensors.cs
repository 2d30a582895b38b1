using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace GpuGan.Data;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data; "__metadata__" holds string pairs. GpuGan writes
/// and reads F32. Files are written atomically (temporary file, flush, rename); a damaged file is a
/// <see cref="DataException"/> that says what is wrong, never a crash.
/// </summary>
public static class SafeTensors
{
    const long MaxHeaderBytes = 100 << 20;

    public sealed record Tensor(int[] Shape, float[] Data);

    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    public static void Write(string path, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape, data) in list)
            {
                if (data.Length != shape.Aggregate(1L, (a, d) => a * d))
                    throw new ArgumentException($"tensor {name}: {data.Length} values for shape ({string.Join(", ", shape)})");
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset += 4L * data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // The spec pads the header with spaces so the data starts 8-byte aligned.
        int pad = (int)((8 - header.Length % 8) % 8);
        for (int i = 0; i < pad; i++) header.WriteByte((byte)' ');

        AtomicFile.Write(path, fs =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            fs.Write(length);
            header.Position = 0;
            header.CopyTo(fs);
            foreach (var (_, _, data) in list)
            {
                var bytes = new byte[data.Length * 4];
                for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
                fs.Write(bytes);
            }
        });
    }

    public static Contents Read(string path)
    {
        byte[] all;
        try { all = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new DataException(path, "file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataException(path, $"cannot read: {e.Message}"); }
        if (all.Length < 8) throw new DataException(path, "not a safetensors file (shorter than its 8-byte header length)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(all);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, all.Length - 8))
            throw new DataException(path, $"not a safetensors file or truncated (header of {headerLength} bytes in a file of {all.Length})");
        int dataStart = 8 + (int)headerLength;
        long dataLength = all.Length - dataStart;
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        var ranges = new List<(long Begin, long End, string Name)>();
        try
        {
            using var doc = JsonDocument.Parse(all.AsMemory(8, (int)headerLength));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new DataException(path, "safetensors header is not a JSON object");
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var e = entry.Value;
                string dtype = e.GetProperty("dtype").GetString() ?? "";
                if (dtype != "F32") throw new DataException(path, $"tensor {entry.Name} has dtype {dtype}; GpuGan reads F32");
                var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                long count = shape.Aggregate(1L, (a, d) => d < 0 ? -1 : a * d);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                    throw new DataException(path, $"tensor {entry.Name}: data range [{string.Join(", ", offsets)}] lies outside the {dataLength} data bytes (truncated?)");
                if (count < 0 || offsets[1] - offsets[0] != 4 * count)
                    throw new DataException(path, $"tensor {entry.Name}: {offsets[1] - offsets[0]} bytes for shape ({string.Join(", ", shape)}) of F32");
                var data = new float[count];
                for (long i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(all.AsSpan((int)(dataStart + offsets[0] + 4 * i)));
                tensors[entry.Name] = new Tensor(shape, data);
                ranges.Add((offsets[0], offsets[1], entry.Name));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new DataException(path, $"safetensors header is malformed: {e.Message.Split('\n')[0]}");
        }
        ranges.Sort();
        for (int i = 1; i < ranges.Count; i++)
            if (ranges[i].Begin < ranges[i - 1].End)
                throw new DataException(path, $"tensors {ranges[i - 1].Name} and {ranges[i].Name} overlap");
        return new Contents(tensors, metadata);
    }
}
