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
}
