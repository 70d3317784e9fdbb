using System.Text;
using Gateway.Dashboards.Sketches.Internal;

namespace Gateway.Dashboards.Tests.Sketches;

public sealed class XxHash64Tests
{
    // Expected digests come from System.IO.Hashing.XxHash64 10.0.14, an independent implementation; the first three
    // are also the xxHash project's published XXH64 values. Lengths cover every branch: empty, the 1-byte tail, the
    // 4-byte and 8-byte tails, exactly one 32-byte stripe, and several stripes.
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    // 15 bytes: one 8-byte lane, one 4-byte lane, three single bytes.
    [InlineData("visitor-0000001", 0x128663043AC273B4UL)]
    // Exactly one stripe, no tail.
    [InlineData("0123456789abcdef0123456789abcdef", 0x642A94958E71E6C5UL)]
    // One stripe, then 8-byte lanes and a 3-byte tail.
    [InlineData("The quick brown fox jumps over the lazy dog", 0x0B242D361FDA71BCUL)]
    // A UUID visitor id: one stripe and a 4-byte tail.
    [InlineData("9f1c2e3a-7b4d-4e8f-a1b2-c3d4e5f60718", 0x7A71683FC65378F0UL)]
    // Non-ASCII: hashed as UTF-8.
    [InlineData("é-visiteur", 0x380437BBB691D756UL)]
    public void Digest_matches_the_reference(string text, ulong expected) =>
        Assert.Equal(expected, XxHash64.Hash(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Digest_of_a_multi_stripe_input_matches_the_reference()
    {
        // Bytes 0..99: three 32-byte stripes and a 4-byte tail.
        var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        Assert.Equal(0x6AC1E58032166597UL, XxHash64.Hash(data));
    }
}
