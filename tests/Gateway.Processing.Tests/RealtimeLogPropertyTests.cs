using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Edge;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

public sealed class RealtimeLogPropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(300);
    private static readonly RealtimeLogFormatter AllFormatter = new(RealtimeLogFields.All);
    private static readonly RealtimeLogFormatter DefaultFormatter = new(RealtimeLogFields.Default);

    /// <summary>Field lists of every shape: the default, all fields, and short lists that end on a text field.</summary>
    private static readonly IReadOnlyList<RealtimeLogField>[] FieldLists =
    [
        RealtimeLogFields.Default,
        RealtimeLogFields.All,
        [RealtimeLogField.UriStem],
        [RealtimeLogField.Timestamp, RealtimeLogField.UriQuery],
        [RealtimeLogField.Status, RealtimeLogField.UserAgent],
    ];

    /// <summary>Byte sequences every text field takes, strung together: plain text and escapes of ASCII bytes...</summary>
    private static readonly string[] Plain =
    [
        "a", "Z", "0", "7", "8", "F", "f", "G", "-", ".", "?", "&", "=", "+", "/", "%20", "%41", "%7F", "%3F", "%3f", "%2541", "%2525",
    ];

    /// <summary>...and the ones that send a field the long way: UTF-8, escaped or raw, and escaped escape digits.</summary>
    private static readonly string[] LongWay = ["%c3%a9", "%E2%98%95", "%25%34%31", "%25C3%25A9", "%25e2%2598%2595", "é", "☕"];

    /// <summary>What makes a text field fail (some only in a query): bad escapes, bytes that are not UTF-8.</summary>
    private static readonly string[] Faults =
    [
        "%", "%2", "%G1", "%80", "%C3", "%ED%A0%80", "%25zz", "%252", "%25%3", "%2580", "%25C3", "\t",
    ];

    /// <summary>Inputs that reach every check: random bytes, bytes in line shape, and real lines with bytes changed.</summary>
    private static Gen<byte[]> ParserInput =>
        Gen.Frequency(
            // Anything at all.
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
            // Right field count, random bytes drawn mostly from the characters that matter to the parser.
            (3, Gen.ArrayOf(Gen.Elements("0123456789.-%+&=?AFaf\t\u00c3\u00a9 ".Select(c => (byte)c).Append((byte)0xFF).ToArray()))
                .Select(bytes => Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine()).Concat(bytes).ToArray())),
            // A real line with a few bytes overwritten.
            (5, from flips in Gen.ArrayOf(Gen.Choose(0, int.MaxValue).Two(), 4)
                select Mutate(Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine()), flips)));

    [Fact]
    public void Any_bytes_either_parse_or_yield_a_bad_row_and_never_throw()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(ParserInput), bytes =>
        {
            var (parsed, badRow) = RealtimeLogs.TryParse(bytes, RealtimeLogs.DefaultParser);

            if (parsed is null)
            {
                Assert.NotEqual(BadRowReason.None, badRow.Reason);
                Assert.Equal("parse", badRow.Stage);
                Assert.False(string.IsNullOrEmpty(badRow.Message));
                Assert.InRange(badRow.Position, -1, bytes.Length);
                Assert.Equal(badRow.Reason is BadRowReason.FieldCount or BadRowReason.LineTooLong, badRow.Field is null);
            }
            else
            {
                Assert.Equal(BadRowReason.None, badRow.Reason);
                Assert.Equal(RealtimeLogFields.Default.Count, parsed.Text.Count);
            }
        }));
    }

    [Fact]
    public void Formatter_output_for_random_entries_always_parses_back_to_the_entry()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(RealtimeLogs.Entry), c =>
        {
            foreach (var (formatter, parser) in new[] { (DefaultFormatter, RealtimeLogs.DefaultParser), (AllFormatter, RealtimeLogs.AllFieldsParser) })
            {
                var line = Encoding.UTF8.GetBytes(formatter.Format(c.Entry));
                var (parsed, badRow) = RealtimeLogs.TryParse(line, parser);

                Assert.True(parsed is not null, $"{badRow} for line {Encoding.UTF8.GetString(line)}");
                RealtimeLogRoundTripTests.AssertSame(c.Entry, c.Pairs, parsed);
            }
        }));
    }

    /// <summary>
    /// Values for a field: numbers mostly well-formed, so lines get as far as their text; text strung from
    /// <see cref="Plain"/> and <see cref="LongWay"/> pieces, with one fault (a piece or any byte) in about one field
    /// out of <paramref name="faultOdds"/>.
    /// </summary>
    private static Gen<byte[]> Value(RealtimeLogField field, int faultOdds)
    {
        // Most clean fields are plain, so a fault in them is the only reason to look at them twice.
        var clean =
            from count in Gen.Choose(0, 60)
            from mixed in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            from parts in Gen.ArrayOf(mixed ? Gen.Frequency((4, Gen.Elements(Plain)), (1, Gen.Elements(LongWay))) : Gen.Elements(Plain), count)
            select Encoding.UTF8.GetBytes(string.Concat(parts));
        var fault = Gen.Frequency(
            (3, Gen.Elements(Faults).Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Choose(0, 255).Select(b => new[] { (byte)b })));
        var faulty =
            from before in clean
            from bad in fault
            from after in clean
            select before.Concat(bad).Concat(after).ToArray();
        var (valid, invalid) = ReferenceReading.KindOf(field) switch
        {
            ReferenceReading.Kind.Milliseconds => (
                Gen.Elements("1607374321.541", "0.082", "12", "0.5", "9223372036854775.807", "-"),
                Gen.Elements("9223372036854775.808", "9223372036854776", "18446744073709552.000", "1.2345", "1.", ".5", "1:2", "0.0/")),
            ReferenceReading.Kind.Integer or ReferenceReading.Kind.Int32 => (
                Gen.Elements("0", "16509", "2147483647", "9223372036854775807", "-"),
                Gen.Elements("2147483648", "9223372036854775808", "1x", "-1", "1:", "/1")),
            ReferenceReading.Kind.Status => (Gen.Elements("200", "000", "-"), Gen.Elements("20", "2000", "20:")),
            ReferenceReading.Kind.IpVersion => (Gen.Elements("IPv4", "IPv6"), Gen.Elements("IPv5", "ipv4")),
            _ => (Gen.Elements("-", "Mozilla/5.0%20(X11)", "/p.gif?pid=px1&u=https%253A%252F%252Fa.example&t=caf%25C3%25A9"), Gen.Elements("%")),
        };
        return ReferenceReading.KindOf(field) is ReferenceReading.Kind.Text or ReferenceReading.Kind.Query or ReferenceReading.Kind.Stem
            ? Gen.Frequency((1, valid.Select(Encoding.UTF8.GetBytes)), (faultOdds, clean), (1, faulty))
            : Gen.Frequency((faultOdds, valid.Select(Encoding.UTF8.GetBytes)), (1, invalid.Select(Encoding.UTF8.GetBytes)), (1, faulty));
    }

    /// <summary>A field list and a line for it, sometimes with one field too few or too many.</summary>
    private static Gen<(int List, byte[] Line)> ListAndLine =>
        from list in Gen.Choose(0, FieldLists.Length - 1)
        from extra in Gen.Frequency((15, Gen.Constant(0)), (1, Gen.Elements(-1, 1)))
        from values in Gen.CollectToArray(FieldLists[list]
            .Concat(Enumerable.Repeat(RealtimeLogField.UserAgent, Math.Max(extra, 0)))
            .Select(f => Value(f, faultOdds: 2 * FieldLists[list].Count)))
        select (list, Join(values.Take(Math.Max(1, values.Length + Math.Min(extra, 0))).ToArray()));

    [Fact]
    public void The_parser_agrees_with_a_plain_reading_of_the_rules_on_reason_field_position_and_values()
    {
        var parsers = FieldLists.Select(fields => new RealtimeLogParser(fields)).ToArray();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(Arb.From(ListAndLine), input =>
        {
            var fields = FieldLists[input.List];
            var expected = ReferenceReading.Read(input.Line, fields);

            var parsed = parsers[input.List].TryParse(input.Line, out var line, out var badRow);

            Assert.Equal((expected.Reason, expected.Field, expected.Position), (badRow.Reason, badRow.Field, badRow.Position));
            Assert.Equal(expected.Values is not null, parsed);
            for (var i = 0; parsed && i < fields.Count; i++)
            {
                Assert.Equal((expected.Values![i].Range, expected.Values[i].Number), (line.RangeOf(fields[i]), NumberOf(line, fields[i])));
            }
        }));
    }

    // Boxed as the accessor's own type (long or double), like the reference's numbers.
    private static object? NumberOf(RealtimeLogLine line, RealtimeLogField field) => field switch
    {
        RealtimeLogField.Timestamp => line.TimestampUnixMs,
        RealtimeLogField.Status => (long?)line.Status,
        RealtimeLogField.BytesSent => line.BytesSent,
        RealtimeLogField.BytesReceived => line.BytesReceived,
        RealtimeLogField.TimeTaken => (object?)line.TimeTakenSeconds,
        RealtimeLogField.TimeToFirstByte => (object?)line.TimeToFirstByteSeconds,
        RealtimeLogField.OriginFirstByteLatency => (object?)line.OriginFirstByteLatencySeconds,
        RealtimeLogField.OriginLastByteLatency => (object?)line.OriginLastByteLatencySeconds,
        RealtimeLogField.ClientIpVersion => (long?)line.ClientIpVersion,
        RealtimeLogField.ClientPort => (long?)line.ClientPort,
        RealtimeLogField.ContentLength => line.ContentLength,
        RealtimeLogField.RangeStart => line.RangeStart,
        RealtimeLogField.RangeEnd => line.RangeEnd,
        RealtimeLogField.HeadersCount => (long?)line.HeadersCount,
        RealtimeLogField.Asn => line.Asn,
        _ => null,
    };

    private static byte[] Join(byte[][] values) =>
        values.SelectMany((value, i) => i == 0 ? value : value.Prepend((byte)'\t')).ToArray();

    private static byte[] Mutate(byte[] line, (int, int)[] flips)
    {
        foreach (var (at, value) in flips)
        {
            line[at % line.Length] = (byte)value;
        }

        return line;
    }

    /// <summary>
    /// The parsing rules read the plain way, independent of the parser's one-pass scan: split on every tab, decode each
    /// text field completely and check it with a strict UTF-8 decoder, match numbers against a pattern. Slow and obvious.
    /// </summary>
    private static class ReferenceReading
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public enum Kind
        {
            Text,
            Query,
            Stem,
            Milliseconds,
            Status,
            Int32,
            Integer,
            IpVersion,
        }

        public static Kind KindOf(RealtimeLogField field) => field switch
        {
            RealtimeLogField.Timestamp or RealtimeLogField.TimeTaken or RealtimeLogField.TimeToFirstByte
                or RealtimeLogField.OriginFirstByteLatency or RealtimeLogField.OriginLastByteLatency => Kind.Milliseconds,
            RealtimeLogField.Status => Kind.Status,
            RealtimeLogField.ClientPort or RealtimeLogField.HeadersCount => Kind.Int32,
            RealtimeLogField.BytesSent or RealtimeLogField.BytesReceived or RealtimeLogField.ContentLength
                or RealtimeLogField.RangeStart or RealtimeLogField.RangeEnd or RealtimeLogField.Asn => Kind.Integer,
            RealtimeLogField.ClientIpVersion => Kind.IpVersion,
            RealtimeLogField.UriQuery => Kind.Query,
            RealtimeLogField.UriStem => Kind.Stem,
            _ => Kind.Text,
        };

        /// <summary>The bad row's reason, field and position, and for a line that parses each field's range and number.</summary>
        public static (BadRowReason Reason, RealtimeLogField? Field, int Position, (FieldRange Range, object? Number)[]? Values) Read(byte[] line, IReadOnlyList<RealtimeLogField> fields)
        {
            if (line.Length > RealtimeLogParser.DefaultMaxLineBytes)
            {
                return (BadRowReason.LineTooLong, null, -1, null);
            }

            var starts = new List<int> { 0 };
            starts.AddRange(line.Select((b, i) => (b, i)).Where(x => x.b == (byte)'\t').Select(x => x.i + 1));
            if (starts.Count != fields.Count)
            {
                return (BadRowReason.FieldCount, null, -1, null);
            }

            var values = new (FieldRange, object?)[fields.Count];
            for (var i = 0; i < fields.Count; i++)
            {
                var start = starts[i];
                var value = line[start..(i + 1 < starts.Count ? starts[i + 1] - 1 : line.Length)];
                var field = fields[i];
                if (value.Length == 0 || value is [(byte)'-'])
                {
                    values[i] = (new FieldRange(start, 0), null);
                    continue;
                }

                var (reason, position, number) = Field(field, value, start);
                if (reason != BadRowReason.None)
                {
                    return (reason, field, position, null);
                }

                values[i] = (new FieldRange(start, value.Length), number);
            }

            return (BadRowReason.None, null, 0, values);
        }

        private static (BadRowReason Reason, int Position, object? Number) Field(RealtimeLogField field, byte[] value, int start)
        {
            var text = Encoding.Latin1.GetString(value);
            switch (KindOf(field))
            {
                case Kind.Text or Kind.Query or Kind.Stem:
                    var (reason, position) = Text(value, KindOf(field), start);
                    return (reason, position, null);
                case Kind.Milliseconds when field == RealtimeLogField.Timestamp:
                    return Milliseconds(text) is { } ms ? (BadRowReason.None, 0, ms) : (BadRowReason.Timestamp, start, null);
                case Kind.Milliseconds:
                    return Milliseconds(text) is { } taken ? (BadRowReason.None, 0, taken / 1000.0) : (BadRowReason.Number, start, null);
                case Kind.Status:
                    return Regex.IsMatch(text, "^[0-9]{3}\\z") ? (BadRowReason.None, 0, long.Parse(text, CultureInfo.InvariantCulture)) : (BadRowReason.Number, start, null);
                case Kind.Int32:
                    return Integer(text) is { } port && port <= int.MaxValue ? (BadRowReason.None, 0, port) : (BadRowReason.Number, start, null);
                case Kind.Integer:
                    return Integer(text) is { } number ? (BadRowReason.None, 0, number) : (BadRowReason.Number, start, null);
                default:
                    return text switch
                    {
                        "IPv4" => (BadRowReason.None, 0, 4L),
                        "IPv6" => (BadRowReason.None, 0, 6L),
                        _ => (BadRowReason.UnknownValue, start, null),
                    };
            }
        }

        private static (BadRowReason, int) Text(byte[] value, Kind kind, int start)
        {
            var (once, invalid) = Decode(value, plusIsSpace: false);
            if (invalid >= 0)
            {
                return (BadRowReason.PercentEncoding, start + invalid);
            }

            if (!IsUtf8(once))
            {
                return (BadRowReason.Utf8, start);
            }

            var question = Array.IndexOf(once, (byte)'?');
            if (kind == Kind.Text || (kind == Kind.Stem && question < 0))
            {
                return (BadRowReason.None, 0);
            }

            // The query is decoded a second time, '+' as space, and each name and value must be UTF-8.
            var query = kind == Kind.Stem ? once[(question + 1)..] : once;
            if (Decode(query, plusIsSpace: true).Invalid >= 0)
            {
                return (BadRowReason.PercentEncoding, start);
            }

            var parts = Encoding.Latin1.GetString(query).Split('&', '=');
            return parts.All(part => IsUtf8(Decode(Encoding.Latin1.GetBytes(part), plusIsSpace: true).Bytes)) ? (BadRowReason.None, 0) : (BadRowReason.Utf8, start);
        }

        /// <summary>Percent-decodes, or gives the offset of the first '%' without two hex digits after it.</summary>
        private static (byte[] Bytes, int Invalid) Decode(byte[] value, bool plusIsSpace)
        {
            var decoded = new List<byte>();
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] != (byte)'%')
                {
                    decoded.Add(plusIsSpace && value[i] == (byte)'+' ? (byte)' ' : value[i]);
                }
                else if (i + 2 < value.Length && Uri.IsHexDigit((char)value[i + 1]) && Uri.IsHexDigit((char)value[i + 2]))
                {
                    decoded.Add(Convert.FromHexString(Encoding.Latin1.GetString(value, i + 1, 2))[0]);
                    i += 2;
                }
                else
                {
                    return ([], i);
                }
            }

            return ([.. decoded], -1);
        }

        private static bool IsUtf8(byte[] bytes)
        {
            try
            {
                _ = StrictUtf8.GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        private static long? Integer(string text) =>
            Regex.IsMatch(text, "^[0-9]{1,19}\\z") && decimal.Parse(text, CultureInfo.InvariantCulture) <= long.MaxValue ? long.Parse(text, CultureInfo.InvariantCulture) : null;

        // Seconds with at most three decimals, as milliseconds that fit a long.
        private static long? Milliseconds(string text)
        {
            var match = Regex.Match(text, "^([0-9]{1,19})(?:\\.([0-9]{1,3}))?\\z");
            var ms = match.Success ? (decimal.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000) + (match.Groups[2].Success ? decimal.Parse(match.Groups[2].Value.PadRight(3, '0'), CultureInfo.InvariantCulture) : 0) : -1;
            return ms is >= 0 and <= long.MaxValue ? (long)ms : null;
        }
    }
}
