using System.Text;
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

    private static byte[] Mutate(byte[] line, (int, int)[] flips)
    {
        foreach (var (at, value) in flips)
        {
            line[at % line.Length] = (byte)value;
        }

        return line;
    }
}
