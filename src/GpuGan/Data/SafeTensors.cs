using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace GpuGan.Data;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data; "__metadata__" holds string pairs. GpuGan writes
/// and reads F32 and I64 (PyTorch's BatchNorm num_batches_tracked). Files are written atomically (temporary file,
/// flush, rename).
///
/// Reading trusts nothing in the file: the header length, the JSON (duplicate names included, which JSON parsers
/// otherwise resolve silently), every field's type, dtypes, shapes (rank, sign, overflowing products), byte ranges
/// (inside the data, no overlap, no gap, no trailing bytes, the size shape × dtype says) are checked before any
/// tensor's memory is allocated, so a hostile or damaged file is one <see cref="DataException"/> line naming the file
/// and the problem, never a crash and never an allocation larger than the file.
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header read; the reference implementation's limit too.</summary>
    public const long MaxHeaderBytes = 100 << 20;
    /// <summary>The most dimensions a tensor may have (PyTorch's limit is lower).</summary>
    public const int MaxRank = 32;

    /// <summary>The element types GpuGan reads and writes.</summary>
    public enum Dtype { F32, I64 }

    /// <summary>
    /// One tensor: <see cref="Data"/> holds an F32 tensor's values; an I64 tensor (<see cref="Dtype"/>) holds its
    /// values in <see cref="Int64Data"/> and an empty <see cref="Data"/>. Shape [] is a scalar (one value).
    /// </summary>
    public sealed record Tensor(int[] Shape, float[] Data)
    {
        public Dtype Dtype { get; init; } = Dtype.F32;
        public long[] Int64Data { get; init; } = [];

        /// <summary>An I64 tensor, e.g. <c>OfInt64([], [n])</c> for a scalar.</summary>
        public static Tensor OfInt64(int[] shape, long[] values) => new(shape, []) { Dtype = Dtype.I64, Int64Data = values };

        public int Count => Dtype == Dtype.I64 ? Int64Data.Length : Data.Length;

        public string ShapeText => $"({string.Join(", ", Shape)})";
    }

    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Bytes per element of every dtype the format defines (others are rejected as unknown).</summary>
    static readonly Dictionary<string, int> DtypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2,
        ["BF16"] = 2, ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["F64"] = 8, ["I64"] = 8, ["U64"] = 8,
    };

    static int Size(Dtype d) => d == Dtype.I64 ? 8 : 4;

    public static void Write(string path, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.Select(t => (t.Name, new Tensor(t.Shape, t.Data))), metadata);

    /// <summary>Writes F32 and I64 tensors under their names (in this order in the header); the data of 8-byte
    /// dtypes comes first so every tensor starts aligned to its element size.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in list)
        {
            if (name == "__metadata__" || !names.Add(name)) throw new ArgumentException($"tensor name '{name}' is reserved or given twice");
            if (t.Shape.Any(d => d < 0) || t.Count != t.Shape.Aggregate(1L, (a, d) => a * d))
                throw new ArgumentException($"tensor {name}: {t.Count} values for shape {t.ShapeText}");
        }
        // Data order: 8-byte elements first (stable), so each tensor's offset is a multiple of its element size.
        var dataOrder = list.Select((t, i) => (t, i)).OrderByDescending(x => Size(x.t.Tensor.Dtype)).ThenBy(x => x.i).Select(x => x.t).ToList();
        var offsets = new Dictionary<string, (long Begin, long End)>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, t) in dataOrder)
        {
            long bytes = (long)Size(t.Dtype) * t.Count;
            offsets[name] = (offset, offset + bytes);
            offset += bytes;
        }

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
            foreach (var (name, t) in list)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", t.Dtype.ToString());
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offsets[name].Begin);
                w.WriteNumberValue(offsets[name].End);
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
            foreach (var (_, t) in dataOrder)
            {
                byte[] bytes;
                if (t.Dtype == Dtype.I64)
                {
                    bytes = new byte[t.Int64Data.Length * 8];
                    for (int i = 0; i < t.Int64Data.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), t.Int64Data[i]);
                }
                else
                {
                    bytes = new byte[t.Data.Length * 4];
                    for (int i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), t.Data[i]);
                }
                fs.Write(bytes);
            }
        });
    }

    /// <summary>Only the header: tensor names, dtypes and shapes, and the metadata (validated as <see cref="Read"/> does, data not read).</summary>
    public static (IReadOnlyDictionary<string, (string Dtype, int[] Shape)> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadHeader(string path)
    {
        using var fs = Open(path);
        var (entries, metadata, _) = ParseAndValidate(path, fs);
        return (entries.ToDictionary(e => e.Name, e => (e.Dtype, e.Shape)), metadata);
    }

    public static Contents Read(string path)
    {
        using var fs = Open(path);
        var (entries, metadata, dataStart) = ParseAndValidate(path, fs);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (e.Dtype is not ("F32" or "I64"))
                throw new DataException(path, $"tensor {Text.OneLine.Quote(e.Name)} has dtype {e.Dtype}; GpuGan reads F32 and I64");
        }
        // Every range is inside the file now: each tensor's memory is at most its share of the file.
        foreach (var e in entries)
        {
            long position = dataStart + e.Begin;
            if (e.Dtype == "I64")
            {
                var values = new long[e.Count];
                ReadExactly(path, fs.SafeFileHandle, MemoryMarshal.AsBytes(values.AsSpan()), position, e.Name);
                if (!BitConverter.IsLittleEndian)
                    for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReverseEndianness(values[i]);
                tensors[e.Name] = Tensor.OfInt64(e.Shape, values);
            }
            else
            {
                var values = new float[e.Count];
                ReadExactly(path, fs.SafeFileHandle, MemoryMarshal.AsBytes(values.AsSpan()), position, e.Name);
                if (!BitConverter.IsLittleEndian)
                {
                    var bits = MemoryMarshal.Cast<float, int>(values.AsSpan());
                    for (int i = 0; i < bits.Length; i++) bits[i] = BinaryPrimitives.ReverseEndianness(bits[i]);
                }
                tensors[e.Name] = new Tensor(e.Shape, values);
            }
        }
        return new Contents(tensors, metadata);
    }

    static FileStream Open(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new DataException(path, "file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataException(path, $"cannot read: {e.Message}"); }
    }

    static void ReadExactly(string path, SafeFileHandle handle, Span<byte> into, long position, string what)
    {
        while (into.Length > 0)
        {
            int n;
            try { n = RandomAccess.Read(handle, into, position); }
            catch (IOException e) { throw new DataException(path, $"cannot read {what}: {e.Message}"); }
            if (n <= 0) throw new DataException(path, $"file ended while reading {what} (changed while being read?)");
            into = into[n..];
            position += n;
        }
    }

    sealed record Entry(string Name, string Dtype, int[] Shape, int Count, long Begin, long End);

    static (List<Entry> Entries, Dictionary<string, string> Metadata, long DataStart) ParseAndValidate(string path, FileStream fs)
    {
        long fileLength;
        try { fileLength = fs.Length; }
        catch (IOException e) { throw new DataException(path, $"cannot read: {e.Message}"); }
        if (fileLength < 8) throw new DataException(path, $"not a safetensors file (shorter than its 8-byte header length: {fileLength} bytes)");
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(path, fs.SafeFileHandle, lengthBytes, 0, "the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new DataException(path, $"not a safetensors file: header of {headerLength} bytes is over the {MaxHeaderBytes >> 20} MB limit");
        if (headerLength > (ulong)(fileLength - 8))
            throw new DataException(path, $"not a safetensors file or truncated: header of {headerLength} bytes in a file of {fileLength}");
        if (headerLength == 0) throw new DataException(path, "safetensors header is empty");
        var header = new byte[headerLength];
        ReadExactly(path, fs.SafeFileHandle, header, 8, "the header");
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            RejectDuplicateNames(path, header);
            using var doc = JsonDocument.Parse(header);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DataException(path, $"safetensors header is a JSON {Kind(root)}, not an object");
            foreach (var entry in root.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Null) continue;
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                        throw new DataException(path, $"__metadata__ is a JSON {Kind(entry.Value)}, not an object of strings");
                    foreach (var m in entry.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                            : throw new DataException(path, $"__metadata__ value of '{m.Name}' is a JSON {Kind(m.Value)}, not a string");
                    continue;
                }
                entries.Add(ParseEntry(path, entry.Name, entry.Value, dataLength));
            }
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"safetensors header is malformed: {Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)}");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Invalid UTF-8 in a name surfaces from Utf8JsonReader.GetString as InvalidOperationException.
            throw new DataException(path, $"safetensors header is malformed: {Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)}");
        }

        // The data is the tensors back to back: sorted by offset, each starts where the previous ended, the first
        // at 0, the last ends at the end of the file (the reference implementation's rule).
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expected = 0;
        string? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < expected)
                throw new DataException(path, $"tensors {Text.OneLine.Quote(previous!)} and {Text.OneLine.Quote(e.Name)} overlap (bytes [{e.Begin}, {expected}) of the data)");
            if (e.Begin > expected)
                throw new DataException(path, previous == null
                    ? $"{e.Begin} bytes before the first tensor ({Text.OneLine.Quote(e.Name)}) belong to no tensor"
                    : $"{e.Begin - expected} bytes between tensors {Text.OneLine.Quote(previous)} and {Text.OneLine.Quote(e.Name)} belong to no tensor");
            expected = e.End;
            previous = e.Name;
        }
        if (expected != dataLength)
            throw new DataException(path, $"{dataLength - expected} trailing bytes after the last tensor's data (the header accounts for {expected} of {dataLength})");
        return (entries, metadata, dataStart);
    }

    static Entry ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        string shown = Text.OneLine.Quote(name);
        if (e.ValueKind != JsonValueKind.Object) throw new DataException(path, $"tensor {shown}: header entry is a JSON {Kind(e)}, not an object");
        JsonElement Field(string field, JsonValueKind kind)
        {
            if (!e.TryGetProperty(field, out var v)) throw new DataException(path, $"tensor {shown}: header entry has no \"{field}\"");
            if (v.ValueKind != kind)
                throw new DataException(path, $"tensor {shown}: \"{field}\" is a JSON {Kind(v)}, not {(kind == JsonValueKind.Array ? "an array" : "a string")}");
            return v;
        }
        string dtype = Field("dtype", JsonValueKind.String).GetString()!;
        if (!DtypeSizes.TryGetValue(dtype, out int elementSize))
            throw new DataException(path, $"tensor {shown} has unknown dtype '{Text.OneLine.Quote(dtype)}'");

        var shapeJson = Field("shape", JsonValueKind.Array);
        int rank = shapeJson.GetArrayLength();
        if (rank > MaxRank) throw new DataException(path, $"tensor {shown}: shape has {rank} dimensions (at most {MaxRank})");
        var shape = new int[rank];
        int i = 0;
        foreach (var d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0)
                throw new DataException(path, $"tensor {shown}: shape dimension {d.GetRawText()} is not a non-negative integer");
            if (v > int.MaxValue) throw new DataException(path, $"tensor {shown}: shape dimension {v} is too large");
            shape[i++] = (int)v;
        }
        // The element count, without overflow: any zero dimension makes it 0; otherwise stop past 2^31 - 1.
        long count = 1;
        if (shape.Contains(0)) count = 0;
        else
            foreach (int d in shape)
            {
                count *= d;     // both factors <= 2^31 - 1: no long overflow before the check
                if (count > int.MaxValue)
                    throw new DataException(path, $"tensor {shown}: shape ({string.Join(", ", shape)}) has more than {int.MaxValue} elements");
            }

        var offsetsJson = Field("data_offsets", JsonValueKind.Array);
        if (offsetsJson.GetArrayLength() != 2)
            throw new DataException(path, $"tensor {shown}: data_offsets has {offsetsJson.GetArrayLength()} values, not [begin, end]");
        var offsets = new long[2];
        i = 0;
        foreach (var o in offsetsJson.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out long v) || v < 0)
                throw new DataException(path, $"tensor {shown}: data offset {o.GetRawText()} is not a non-negative integer");
            offsets[i++] = v;
        }
        if (offsets[1] < offsets[0])
            throw new DataException(path, $"tensor {shown}: data range [{offsets[0]}, {offsets[1]}] ends before it starts");
        if (offsets[1] > dataLength)
            throw new DataException(path, $"tensor {shown}: data range [{offsets[0]}, {offsets[1]}] lies outside the {dataLength} data bytes (truncated?)");
        if (offsets[1] - offsets[0] != count * elementSize)
            throw new DataException(path, $"tensor {shown}: {offsets[1] - offsets[0]} bytes for shape ({string.Join(", ", shape)}) of {dtype} ({count * elementSize} expected)");
        return new Entry(name, dtype, shape, (int)count, offsets[0], offsets[1]);
    }

    /// <summary>
    /// A name given twice in one JSON object: parsers keep one of them silently (System.Text.Json the last), so two
    /// readers could see different tensors in the same file. Rejected at every level.
    /// </summary>
    static void RejectDuplicateNames(string path, byte[] header)
    {
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 64 });
        var stack = new Stack<HashSet<string>?>();
        string? tensor = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: stack.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                case JsonTokenType.StartArray: stack.Push(null); break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray: stack.Pop(); break;
                case JsonTokenType.PropertyName:
                    string name = reader.GetString()!;
                    if (stack.Count == 1) tensor = name;
                    if (stack.Peek() is { } seen && !seen.Add(name))
                        throw new DataException(path, stack.Count == 1
                            ? $"tensor name '{Text.OneLine.Quote(name)}' appears twice in the header"
                            : $"tensor {Text.OneLine.Quote(tensor ?? "")}: field '{Text.OneLine.Quote(name)}' appears twice in the header");
                    break;
            }
        }
    }

    static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>Shape text "(2, 3)" (for messages).</summary>
    public static string ShapeText(IEnumerable<int> shape) => string.Create(CultureInfo.InvariantCulture, $"({string.Join(", ", shape)})");
}
