using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Tests;

/// <summary>The direct libcrypto SHA-256/HMAC path against RFC 4231's vectors and against the BCL on random inputs.</summary>
public sealed class Sha256Tests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(500);

    public static TheoryData<string, string, string> Rfc4231 => new()
    {
        // Test cases 1, 2, 3, 4, 6 and 7 (5 checks truncated output only); key and data in hex, HMAC-SHA-256 in hex.
        { string.Concat(Enumerable.Repeat("0b", 20)), Convert.ToHexString("Hi There"u8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        { Convert.ToHexString("Jefe"u8), Convert.ToHexString("what do ya want for nothing?"u8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        { string.Concat(Enumerable.Repeat("aa", 20)), string.Concat(Enumerable.Repeat("dd", 50)), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
        { "0102030405060708090a0b0c0d0e0f10111213141516171819", string.Concat(Enumerable.Repeat("cd", 50)), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
        { string.Concat(Enumerable.Repeat("aa", 131)), Convert.ToHexString("Test Using Larger Than Block-Size Key - Hash Key First"u8), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
        {
            string.Concat(Enumerable.Repeat("aa", 131)),
            Convert.ToHexString(Encoding.ASCII.GetBytes("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        },
    };

    [Fact]
    public void Linux_uses_the_direct_libcrypto_path()
    {
        // The .NET runtime itself needs OpenSSL on Linux, so a fallback here would mean the fast path silently broke.
        Assert.Equal(OperatingSystem.IsLinux(), Sha256.IsNative);
    }

    [Theory]
    [MemberData(nameof(Rfc4231))]
    public void Hmac_matches_rfc_4231(string keyHex, string dataHex, string expectedHex)
    {
        foreach (var native in new[] { true, false })
        {
            var mac = new byte[32];
            new Sha256.HmacKey(Convert.FromHexString(keyHex), native).Compute(Convert.FromHexString(dataHex), mac);

            Assert.Equal(expectedHex, Convert.ToHexStringLower(mac));
        }
    }

    [Theory]
    // FIPS 180-2 examples: the empty string, "abc" and the two-block 448-bit message.
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Hash_matches_the_published_examples(string message, string expectedHex)
    {
        var hash = new byte[32];
        Sha256.Hash(Encoding.ASCII.GetBytes(message), hash);

        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Any_key_and_message_give_the_bcl_answers()
    {
        var bytes = Gen.Choose(0, 255).Select(b => (byte)b);
        // Lengths around the 64-byte block and the 55/56-byte padding edge are where hand-held state goes wrong.
        var length = Gen.Frequency((3, Gen.Choose(0, 300)), (2, Gen.Elements(0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129)));
        var array = length.SelectMany(n => Gen.ArrayOf(bytes, n));

        Check.One(Cases, Prop.ForAll(Arb.From(array), Arb.From(array), (key, message) =>
        {
            var mac = new byte[32];
            new Sha256.HmacKey(key).Compute(message, mac);
            var hash = new byte[32];
            Sha256.Hash(message, hash);

            Assert.Equal(HMACSHA256.HashData(key, message), mac);
            Assert.Equal(SHA256.HashData(message), hash);
        }));
    }

    [Fact]
    public void One_key_is_safe_to_share_across_threads()
    {
        var key = new Sha256.HmacKey(RandomNumberGenerator.GetBytes(32));
        var messages = Enumerable.Range(0, 2000).Select(i => Encoding.UTF8.GetBytes($"message {i}")).ToArray();
        var expected = messages.Select(m =>
        {
            var mac = new byte[32];
            key.Compute(m, mac);
            return Convert.ToHexString(mac);
        }).ToArray();

        var mismatches = 0;
        Parallel.For(0, messages.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var mac = new byte[32];
            key.Compute(messages[i % messages.Length], mac);
            if (Convert.ToHexString(mac) != expected[i % messages.Length])
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }
}
