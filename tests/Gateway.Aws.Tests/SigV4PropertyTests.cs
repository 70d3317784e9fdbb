using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Aws.Internal;

namespace Gateway.Aws.Tests;

public sealed class SigV4PropertyTests
{
    [Fact]
    public void Encoding_emits_only_unreserved_characters_and_uppercase_escapes_and_decodes_back()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), text =>
        {
            var encoded = SigV4Canonical.Encode(text.Get, keepSlash: false);
            var wellFormed = IsCanonicalEncoding(encoded);
            // Lone surrogates have no UTF-8 form; they are sent (and so signed) as U+FFFD.
            var sent = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text.Get));
            return wellFormed && Uri.UnescapeDataString(encoded) == sent;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Canonical_query_does_not_depend_on_parameter_order_or_on_how_the_client_escaped_it()
    {
        var pairs = Gen.ListOf(Gen.Zip(ArbMap.Default.GeneratorFor<NonEmptyString>(), ArbMap.Default.GeneratorFor<NonNull<string>>()))
            .Select(list => list.Select(p => (Name: p.Item1.Get, Value: p.Item2.Get)).ToList());
        Prop.ForAll(pairs.ToArbitrary(), list =>
        {
            // The same parameters, escaped by .NET's URI escaper, in the given and the reverse order.
            static string Query(IEnumerable<(string Name, string Value)> parameters) =>
                string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
            var forward = SigV4Canonical.QueryString(Query(list));
            var reversed = SigV4Canonical.QueryString(Query(Enumerable.Reverse(list)));
            return forward == reversed && forward.Split('&', StringSplitOptions.RemoveEmptyEntries).All(part => IsCanonicalEncoding(part.Replace("=", "", StringComparison.Ordinal)));
        }).QuickCheckThrowOnFailure();
    }

    private static bool IsCanonicalEncoding(string encoded)
    {
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsUpperHex(encoded[i + 1]) || !IsUpperHex(encoded[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsUpperHex(char c) => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';
}
