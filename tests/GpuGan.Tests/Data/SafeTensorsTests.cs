using System.Buffers.Binary;
using System.Text;
using GpuGan.Data;
using GpuGan.Tests.Training;
using Xunit;

namespace GpuGan.Tests.Data;

public sealed class SafeTensorsTests
{
    [Fact]
    public void Round_trip_keeps_names_shapes_values_and_metadata()
    {
        string path = Path.Combine(TinyRun.TempDir(), "w.safetensors");
        var a = new[] { 1.5f, -2f, float.Epsilon, 3.25f, 0f, -0f };
        var b = new[] { 7f };
        SafeTensors.Write(path, [("layer.weight", [2, 3], a), ("layer.bias", [1], b)], new Dictionary<string, string> { ["accuracy"] = "0.99" });
        var c = SafeTensors.Read(path);
        Assert.Equal([2, 3], c.Tensors["layer.weight"].Shape);
        Assert.Equal(a.Select(BitConverter.SingleToInt32Bits), c.Tensors["layer.weight"].Data.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(b, c.Tensors["layer.bias"].Data);
        Assert.Equal("0.99", c.Metadata["accuracy"]);
        // The layout the spec fixes: u64 header length, JSON padded to 8 bytes, then the data in order.
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        Assert.Equal(8 + n + 4 * 7, bytes.Length);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + n))));
        Assert.Contains("\"dtype\":\"F32\"", Encoding.UTF8.GetString(bytes, 8, (int)n));
    }

    [Fact]
    public void Reads_a_file_written_by_hand_to_the_spec()
    {
        // {"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} then 1.0, 2.0
        string json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)json.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(json));
        bytes.AddRange(BitConverter.GetBytes(1f));
        bytes.AddRange(BitConverter.GetBytes(2f));
        string path = Path.Combine(TinyRun.TempDir(), "hand.safetensors");
        File.WriteAllBytes(path, bytes.ToArray());
        Assert.Equal([1f, 2f], SafeTensors.Read(path).Tensors["x"].Data);
    }

    [Theory]
    [InlineData("truncated", "outside")]
    [InlineData("f16", "dtype F16")]
    [InlineData("json", "malformed")]
    [InlineData("overlap", "overlap")]
    [InlineData("tiny", "shorter")]
    [InlineData("huge-header", "header of")]
    [InlineData("wrong-size", "bytes for shape")]
    public void Damaged_files_are_one_clear_error(string damage, string expected)
    {
        string dir = TinyRun.TempDir();
        string path = Path.Combine(dir, "d.safetensors");
        byte[] File2(string json, int dataBytes)
        {
            var b = new List<byte>();
            b.AddRange(BitConverter.GetBytes((ulong)json.Length));
            b.AddRange(Encoding.UTF8.GetBytes(json));
            b.AddRange(new byte[dataBytes]);
            return b.ToArray();
        }
        byte[] bytes = damage switch
        {
            "truncated" => File2("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
            "f16" => File2("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
            "json" => File2("{\"x\":{\"dtype\":", 4),
            "overlap" => File2("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
            "tiny" => [1, 2, 3],
            "huge-header" => BitConverter.GetBytes(ulong.MaxValue / 2),
            _ => File2("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        };
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataException>(() => SafeTensors.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Missing_file_is_a_data_error()
    {
        var e = Assert.Throws<DataException>(() => SafeTensors.Read(Path.Combine(TinyRun.TempDir(), "none.safetensors")));
        Assert.Contains("not found", e.Message);
    }

    // ---- Hostile files: crafted bytes, each one DataException line naming the file and the problem ----

    /// <summary>u64 header length, the header bytes, then the data bytes.</summary>
    static byte[] Craft(string json, int dataBytes = 0, ulong? headerLength = null)
    {
        var b = new List<byte>();
        var header = Encoding.UTF8.GetBytes(json);
        b.AddRange(BitConverter.GetBytes(headerLength ?? (ulong)header.Length));
        b.AddRange(header);
        b.AddRange(new byte[dataBytes]);
        return b.ToArray();
    }

    static string X(string fields) => "{\"x\":{" + fields + "}}";

    public static TheoryData<string, byte[], string> HostileFiles() => new()
    {
        { "header length past the end", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]"), 4, headerLength: 1000), "header of 1000 bytes in a file of" },
        { "header length absurd", BitConverter.GetBytes((ulong)long.MaxValue).Concat(new byte[64]).ToArray(), "over the 100 MB limit" },
        { "header length just over 100 MB", BitConverter.GetBytes((ulong)(100 << 20) + 1).Concat(new byte[64]).ToArray(), "over the 100 MB limit" },
        { "empty header", Craft(""), "header is empty" },
        { "invalid JSON", Craft("{\"x\":{\"dtype\":"), "malformed" },
        { "JSON with a comment", Craft("{/*c*/}"), "malformed" },
        { "invalid UTF-8", Craft("{\"x\":1}").Select((v, i) => i == 10 ? (byte)0xff : v).ToArray(), "malformed" },
        { "nested too deep", Craft(new string('[', 5000) + new string(']', 5000)), "malformed" },
        { "JSON array", Craft("[1,2]"), "header is a JSON array, not an object" },
        { "JSON string", Craft("\"x\""), "header is a JSON string, not an object" },
        { "entry not an object", Craft("{\"x\":7}"), "tensor x: header entry is a JSON number, not an object" },
        { "no dtype", Craft(X("\"shape\":[1],\"data_offsets\":[0,4]"), 4), "tensor x: header entry has no \"dtype\"" },
        { "no shape", Craft(X("\"dtype\":\"F32\",\"data_offsets\":[0,4]"), 4), "has no \"shape\"" },
        { "no data_offsets", Craft(X("\"dtype\":\"F32\",\"shape\":[1]"), 4), "has no \"data_offsets\"" },
        { "dtype a number", Craft(X("\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,4]"), 4), "\"dtype\" is a JSON number, not a string" },
        { "shape a string", Craft(X("\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]"), 4), "\"shape\" is a JSON string, not an array" },
        { "data_offsets an object", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}"), 4), "\"data_offsets\" is a JSON object, not an array" },
        { "one data offset", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]"), 4), "data_offsets has 1 values" },
        { "data offset a string", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]"), 4), "data offset \"0\" is not a non-negative integer" },
        { "negative data offset", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]"), 4), "data offset -4 is not" },
        { "unknown dtype", Craft(X("\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]"), 4), "tensor x has unknown dtype 'Q7'" },
        { "known dtype GpuGan does not read", Craft(X("\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]"), 8), "tensor x has dtype F64; GpuGan reads F32 and I64" },
        { "negative dimension", Craft(X("\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]"), 4), "shape dimension -1 is not a non-negative integer" },
        { "fractional dimension", Craft(X("\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,4]"), 4), "shape dimension 2.5 is not" },
        { "dimension past int", Craft(X("\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]"), 4), "shape dimension 4294967296 is too large" },
        { "dimension past long", Craft(X("\"dtype\":\"F32\",\"shape\":[99999999999999999999999],\"data_offsets\":[0,4]"), 4), "is not a non-negative integer" },
        { "overflowing product", Craft(X("\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,4],\"data_offsets\":[0,4]"), 4), "more than 2147483647 elements" },
        { "too many dimensions", Craft(X("\"dtype\":\"F32\",\"shape\":[" + string.Join(",", Enumerable.Repeat(1, 40)) + "],\"data_offsets\":[0,4]"), 4), "shape has 40 dimensions (at most 32)" },
        { "range past the data", Craft(X("\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]"), 8), "lies outside the 8 data bytes" },
        { "huge range", Craft(X("\"dtype\":\"F32\",\"shape\":[1073741824],\"data_offsets\":[0,4294967296]"), 8), "lies outside the 8 data bytes" },
        { "range ends before it starts", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]"), 8), "data range [8, 4] ends before it starts" },
        { "size not shape x dtype", Craft(X("\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]"), 8), "8 bytes for shape (3) of F32 (12 expected)" },
        { "I64 size not shape x dtype", Craft(X("\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,4]"), 4), "4 bytes for shape () of I64 (8 expected)" },
        { "overlapping tensors", Craft("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensors x and y overlap" },
        { "same range twice", Craft("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "overlap" },
        { "gap between tensors", Craft("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "4 bytes between tensors x and y belong to no tensor" },
        { "data not starting at 0", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]"), 8), "4 bytes before the first tensor (x) belong to no tensor" },
        { "trailing garbage", Craft(X("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]"), 12), "8 trailing bytes after the last tensor's data" },
        { "duplicate tensor names", Craft("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensor name 'x' appears twice in the header" },
        { "duplicate field", Craft(X("\"dtype\":\"F32\",\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,4]"), 4), "tensor x: field 'dtype' appears twice" },
        { "duplicate metadata", Craft("{\"__metadata__\":{\"a\":\"1\"},\"__metadata__\":{\"a\":\"2\"}}"), "tensor name '__metadata__' appears twice" },
        { "duplicate metadata key", Craft("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}"), "field 'a' appears twice" },
        { "metadata not an object", Craft("{\"__metadata__\":[\"a\"]}"), "__metadata__ is a JSON array, not an object of strings" },
        { "metadata value not a string", Craft("{\"__metadata__\":{\"a\":1}}"), "__metadata__ value of 'a' is a JSON number, not a string" },
        { "control characters in a name", Craft("{\"x\\n\\u0000y\":{\"dtype\":\"Q\",\"shape\":[],\"data_offsets\":[0,0]}}"), "tensor x??y has unknown dtype" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_files_are_one_data_error_naming_file_and_problem(string what, byte[] bytes, string expected)
    {
        string path = Path.Combine(TinyRun.TempDir(), "hostile.safetensors");
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataException>(() => SafeTensors.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\0', e.Message);
        // Whatever the header claims, reading costs about the file's size (plus the JSON parser's bookkeeping), never the claimed sizes.
        Assert.True(allocated < 2_000_000 + 64L * bytes.Length, $"{what}: {allocated} bytes allocated for a {bytes.Length}-byte file");
        // The header-only reader refuses the same files (except a valid header with an unsupported dtype, which it lists).
        if (!expected.Contains("GpuGan reads")) Assert.Throws<DataException>(() => SafeTensors.ReadHeader(path));
    }

    [Fact]
    public void I64_scalars_round_trip_beside_F32_and_start_aligned()
    {
        string path = Path.Combine(TinyRun.TempDir(), "i64.safetensors");
        SafeTensors.Write(path, [
            ("w", new SafeTensors.Tensor([3], [1f, 2f, 3f])),
            ("n", SafeTensors.Tensor.OfInt64([], [long.MaxValue - 5])),
            ("m", SafeTensors.Tensor.OfInt64([2], [-1, 1L << 40])),
            ("empty", new SafeTensors.Tensor([0, 4], [])),
        ]);
        var c = SafeTensors.Read(path);
        Assert.Equal(SafeTensors.Dtype.I64, c.Tensors["n"].Dtype);
        Assert.Empty(c.Tensors["n"].Shape);
        Assert.Equal([long.MaxValue - 5], c.Tensors["n"].Int64Data);
        Assert.Equal([-1L, 1L << 40], c.Tensors["m"].Int64Data);
        Assert.Equal([1f, 2f, 3f], c.Tensors["w"].Data);
        Assert.Equal([0, 4], c.Tensors["empty"].Shape);
        var (header, _) = SafeTensors.ReadHeader(path);
        Assert.Equal("I64", header["n"].Dtype);
        Assert.Empty(header["n"].Shape);
        // 8-byte tensors first: every tensor begins at a multiple of its element size.
        string json = Encoding.UTF8.GetString(File.ReadAllBytes(path), 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path)));
        Assert.Contains("\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}", json);
        Assert.Contains("\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}", json);
    }

    [Fact]
    public void Writing_refuses_counts_that_do_not_fit_the_shape_and_repeated_names()
    {
        string path = Path.Combine(TinyRun.TempDir(), "bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [("x", new SafeTensors.Tensor([2], [1f]))]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [("x", new SafeTensors.Tensor([1], [1f])), ("x", new SafeTensors.Tensor([1], [1f]))]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [("__metadata__", new SafeTensors.Tensor([1], [1f]))]));
        Assert.False(File.Exists(path));
    }
}
