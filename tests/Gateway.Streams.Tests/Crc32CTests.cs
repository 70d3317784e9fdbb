using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Streams.Internal;

namespace Gateway.Streams.Tests;

public sealed class Crc32CTests
{
    // The CRC catalogue's check value for CRC-32C.
    private const uint CheckValue = 0xE3069283;

    [Fact]
    public void Software_path_gives_the_standard_check_value()
    {
        Assert.Equal(CheckValue, Crc32C.AppendSoftware(0, "123456789"u8));
    }

    [Fact]
    public void Hardware_path_gives_the_standard_check_value()
    {
        if (!Crc32C.IsHardwareAccelerated)
        {
            // Without SSE4.2 the hardware path must refuse rather than compute something else.
            Assert.Throws<PlatformNotSupportedException>(() => Crc32C.AppendHardware(0, "123456789"u8));
            return;
        }

        Assert.Equal(CheckValue, Crc32C.AppendHardware(0, "123456789"u8));
    }

    [Theory]
    // RFC 3720 (iSCSI) appendix B.4 test vectors.
    [InlineData(0x00, 32, false, 0x8A9136AAu)]
    [InlineData(0xFF, 32, false, 0x62A8AB43u)]
    [InlineData(0x00, 32, true, 0x46DD794Eu)]
    public void Both_paths_match_the_iscsi_test_vectors(byte fill, int length, bool ascending, uint expected)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = ascending ? (byte)i : fill;
        }

        Assert.Equal(expected, Crc32C.AppendSoftware(0, data));
        Assert.Equal(expected, Crc32C.Compute(data));
    }

    [Fact]
    public void Hardware_and_software_paths_agree_on_random_input()
    {
        if (!Crc32C.IsHardwareAccelerated)
        {
            return;
        }

        Prop.ForAll<byte[], uint>((data, seed) => Crc32C.AppendHardware(seed, data) == Crc32C.AppendSoftware(seed, data))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Appending_in_pieces_equals_computing_at_once()
    {
        Prop.ForAll<byte[], byte[]>((a, b) =>
            Crc32C.Append(Crc32C.Compute(a), b) == Crc32C.Compute([.. a, .. b])
            && Crc32C.AppendSoftware(Crc32C.AppendSoftware(0, a), b) == Crc32C.AppendSoftware(0, [.. a, .. b]))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Checksum_differs_after_any_single_byte_change()
    {
        var data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        var original = Crc32C.Compute(data);
        for (var i = 0; i < data.Length; i++)
        {
            var copy = data.ToArray();
            copy[i] ^= 0x01;
            Assert.NotEqual(original, Crc32C.Compute(copy));
        }
    }
}
