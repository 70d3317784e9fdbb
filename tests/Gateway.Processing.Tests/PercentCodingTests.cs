using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Tests;

/// <summary>Our percent-decoding against the BCL's form decoder (<see cref="WebUtility.UrlDecodeToBytes"/>).</summary>
public sealed class PercentCodingTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(2_000);

    // Mostly the bytes that matter ('%', '+', hex digits of both cases, near-misses), some anything.
    private static readonly Gen<byte[]> Input = Gen.ArrayOf(Gen.Frequency(
        (6, Gen.Elements("%+0123456789abcdefABCDEFgG/z "u8.ToArray())),
        (1, Gen.Choose(0, 255).Select(b => (byte)b))));

    [Fact]
    public void Form_decoding_matches_the_bcl_including_invalid_escapes_kept_as_they_are()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Input), source =>
        {
            var destination = new byte[source.Length];

            var written = PercentCoding.Decode(source, destination, plusIsSpace: true);

            Assert.Equal(WebUtility.UrlDecodeToBytes(source, 0, source.Length), destination[..written]);
        }));
    }

    [Fact]
    public void Without_plus_as_space_a_plus_stays_a_plus()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Input), source =>
        {
            var destination = new byte[source.Length];
            // "%2B" is the escape of '+': the BCL's decoder then gives back exactly the '+' signs we keep.
            var escaped = source.SelectMany(b => b == (byte)'+' ? "%2B"u8.ToArray() : [b]).ToArray();

            var written = PercentCoding.Decode(source, destination, plusIsSpace: false);

            Assert.Equal(WebUtility.UrlDecodeToBytes(escaped, 0, escaped.Length), destination[..written]);
        }));
    }

    [Fact]
    public void Checked_decoding_stops_at_the_first_invalid_escape_and_agrees_with_decoding_before_it()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Input), Arb.From(Gen.Elements(true, false)), (source, plusIsSpace) =>
        {
            var checkedOut = new byte[source.Length];
            var plain = new byte[source.Length];

            var written = PercentCoding.DecodeChecked(source, checkedOut, plusIsSpace, out var invalid, out var aboveAscii);

            var expectedInvalid = -1;
            for (var i = 0; i < source.Length && expectedInvalid < 0; i++)
            {
                if (source[i] == (byte)'%')
                {
                    if (i + 2 < source.Length && Uri.IsHexDigit((char)source[i + 1]) && Uri.IsHexDigit((char)source[i + 2]))
                    {
                        i += 2;
                    }
                    else
                    {
                        expectedInvalid = i;
                    }
                }
            }

            Assert.Equal(expectedInvalid, invalid);
            var prefix = expectedInvalid < 0 ? source : source[..expectedInvalid];
            var plainWritten = PercentCoding.Decode(prefix, plain, plusIsSpace);
            Assert.Equal(plain[..plainWritten], checkedOut[..written]);
            Assert.Equal(HasHighEscape(prefix), aboveAscii);
        }));
    }

    private static bool HasHighEscape(byte[] source)
    {
        for (var i = 0; i + 2 < source.Length; i++)
        {
            if (source[i] == (byte)'%' && Uri.IsHexDigit((char)source[i + 1]) && Uri.IsHexDigit((char)source[i + 2]))
            {
                if (Convert.ToInt32(((char)source[i + 1]).ToString(), 16) >= 8)
                {
                    return true;
                }

                i += 2;
            }
        }

        return false;
    }
}
