using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace Gateway.Lambda.Tests;

public sealed class KinesisSequenceNumberTests
{
    [Theory]
    // Fewer digits is smaller even when it is greater as text.
    [InlineData("9", "10", -1)]
    [InlineData("49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692538361571095921575989136588899", -1)]
    [InlineData("100", "100", 0)]
    // Leading zeros do not change the number.
    [InlineData("0042", "42", 0)]
    // A missing sequence number sorts first, so it wins the minimum and fails the whole batch safely.
    [InlineData("", "0", -1)]
    [InlineData(null, "", 0)]
    public void Compares_as_numbers(string? x, string? y, int expected)
    {
        Assert.Equal(expected, KinesisSequenceNumber.Compare(x, y));
        Assert.Equal(-expected, KinesisSequenceNumber.Compare(y, x));
    }

    [Fact]
    public void Order_agrees_with_big_integers_up_to_129_digits()
    {
        var digits = Gen.Choose(1, 129).SelectMany(length => Gen.ArrayOf(Gen.Elements('0', '1', '5', '9'), length)).Select(chars => new string(chars));

        Prop.ForAll(digits.ToArbitrary(), digits.ToArbitrary(), (x, y) =>
            KinesisSequenceNumber.Compare(x, y) == BigInteger.Parse(x, CultureInfo.InvariantCulture).CompareTo(BigInteger.Parse(y, CultureInfo.InvariantCulture)))
            .QuickCheckThrowOnFailure();
    }
}
