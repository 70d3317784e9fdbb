using System.Text.RegularExpressions;
using Gateway.Dashboards.CloudWatch;
using Gateway.Processing.Metrics;

namespace Gateway.Dashboards.Tests.CloudWatch;

/// <summary>The alarm specs: one per concern and resource, well-formed for AWS::CloudWatch::Alarm, with overridable defaults.</summary>
public sealed partial class AlarmDefinitionsTests
{
    private static readonly GatewayResources Full = new()
    {
        Region = "eu-west-1",
        AggregateFunction = "gw-aggregate",
        EnrichFunction = "gw-enrich",
        SinkFunction = "gw-sink",
        ForwardFunction = "gw-forward",
        RawStream = "gw-raw",
        AggregatedStream = "gw-aggregated",
        DeliveryStream = "gw-events",
    };

    [Fact]
    public void A_full_deployment_gets_one_alarm_per_concern_and_resource()
    {
        var names = AlarmDefinitions.Create(Full).Select(a => a.Name).ToList();

        Assert.Equal(
            [
                "gateway-aggregate-iterator-age", "gateway-sink-iterator-age", "gateway-forward-iterator-age",
                "gateway-enrich-bad-row-rate", "gateway-forward-failures",
                "gateway-aggregate-errors", "gateway-enrich-errors", "gateway-sink-errors", "gateway-forward-errors",
                "gateway-firehose-delivery", "gateway-firehose-freshness",
            ],
            names);
    }

    [Fact]
    public void A_deployment_without_enrich_forward_sink_or_firehose_gets_only_the_aggregate_s_alarms()
    {
        var resources = Full with { EnrichFunction = null, SinkFunction = null, ForwardFunction = null, DeliveryStream = null };

        Assert.Equal(["gateway-aggregate-iterator-age", "gateway-aggregate-errors"], AlarmDefinitions.Create(resources).Select(a => a.Name));
    }

    [Fact]
    public void Every_alarm_is_a_single_metric_or_an_expression_over_ids_it_defines()
    {
        foreach (var alarm in AlarmDefinitions.Create(Full))
        {
            Assert.False(string.IsNullOrWhiteSpace(alarm.Description));
            Assert.True(alarm.PeriodSeconds >= 60 && alarm.PeriodSeconds % 60 == 0, alarm.Name);
            Assert.InRange(alarm.DatapointsToAlarm, 1, alarm.EvaluationPeriods);
            Assert.Contains(alarm.ComparisonOperator, (string[])["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"]);
            Assert.Equal("notBreaching", alarm.TreatMissingDataValue);
            Assert.All(alarm.Metrics, m =>
            {
                Assert.Matches("^[a-z][a-zA-Z0-9_]*$", m.Id);
                Assert.Contains(m.Statistic, (string[])["Sum", "Average", "Maximum"]);
                Assert.NotEmpty(m.Dimensions);
            });
            Assert.Equal(alarm.Metrics.Count, alarm.Metrics.Select(m => m.Id).Distinct().Count());
            if (alarm.Expression is null)
            {
                Assert.Single(alarm.Metrics);
            }
            else
            {
                Assert.True(alarm.Metrics.Count >= 2);
                Assert.Equal(alarm.Metrics.Select(m => m.Id).Order(StringComparer.Ordinal), Identifier().Matches(alarm.Expression).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void The_defaults_are_the_documented_thresholds()
    {
        var alarms = AlarmDefinitions.Create(Full).ToDictionary(a => a.Name);

        var age = alarms["gateway-forward-iterator-age"];
        Assert.Equal(("AWS/Lambda", "IteratorAge", "Maximum", "gw-forward"), (age.Metrics[0].Namespace, age.Metrics[0].MetricName, age.Metrics[0].Statistic, age.Metrics[0].Dimensions[0].Value));
        Assert.Equal((300_000d, 60, 5, 5, AlarmComparison.GreaterThanThreshold), (age.Threshold, age.PeriodSeconds, age.EvaluationPeriods, age.DatapointsToAlarm, age.Comparison));

        var rate = alarms["gateway-enrich-bad-row-rate"];
        Assert.Equal("100 * bad / records", rate.Expression);
        Assert.Equal([("bad", "BadRows"), ("records", "Records")], rate.Metrics.Select(m => (m.Id, m.MetricName)));
        Assert.All(rate.Metrics, m => Assert.Equal((GatewayMetrics.Namespace, "Sum", GatewayMetrics.FunctionName, "gw-enrich"), (m.Namespace, m.Statistic, m.Dimensions[0].Key, m.Dimensions[0].Value)));
        Assert.Equal((5d, 300, 3, 3), (rate.Threshold, rate.PeriodSeconds, rate.EvaluationPeriods, rate.DatapointsToAlarm));

        var forward = alarms["gateway-forward-failures"];
        Assert.Equal("failed + deadlettered", forward.Expression);
        Assert.Equal(["Failed", "DeadLettered"], forward.Metrics.Select(m => m.MetricName));
        Assert.Equal((0d, AlarmComparison.GreaterThanThreshold), (forward.Threshold, forward.Comparison));

        var errors = alarms["gateway-enrich-errors"];
        Assert.Equal(("Errors", "Sum", 0d, 3, 2), (errors.Metrics[0].MetricName, errors.Metrics[0].Statistic, errors.Threshold, errors.EvaluationPeriods, errors.DatapointsToAlarm));

        var delivery = alarms["gateway-firehose-delivery"];
        Assert.Equal(("AWS/Firehose", "DeliveryToS3.Success", "Average", "DeliveryStreamName", 1d, AlarmComparison.LessThanThreshold),
            (delivery.Metrics[0].Namespace, delivery.Metrics[0].MetricName, delivery.Metrics[0].Statistic, delivery.Metrics[0].Dimensions[0].Key, delivery.Threshold, delivery.Comparison));
        Assert.Equal(900d, alarms["gateway-firehose-freshness"].Threshold);
    }

    [Fact]
    public void Options_replace_thresholds_timing_and_the_name_prefix()
    {
        var options = new AlarmOptions
        {
            NamePrefix = "${Token[AWS.StackName.1]}",
            BadRowRate = new AlarmSettings(1.5, 600, 2, 1),
            IteratorAge = new AlarmOptions().IteratorAge with { Threshold = 60_000 },
        };

        var alarms = AlarmDefinitions.Create(Full, options).ToDictionary(a => a.Name);

        var rate = alarms["${Token[AWS.StackName.1]}-enrich-bad-row-rate"];
        Assert.Equal((1.5, 600, 2, 1), (rate.Threshold, rate.PeriodSeconds, rate.EvaluationPeriods, rate.DatapointsToAlarm));
        Assert.Equal(60_000d, alarms["${Token[AWS.StackName.1]}-aggregate-iterator-age"].Threshold);
        Assert.Equal(0d, alarms["${Token[AWS.StackName.1]}-forward-failures"].Threshold);
    }

    [Theory]
    // Not a whole number of minutes.
    [InlineData(90, 3, 3)]
    // More datapoints than periods evaluated.
    [InlineData(300, 2, 3)]
    // No period evaluated.
    [InlineData(300, 0, 0)]
    public void Settings_cloudwatch_would_refuse_are_refused(int period, int evaluationPeriods, int datapoints)
    {
        var options = new AlarmOptions { LambdaErrors = new AlarmSettings(0, period, evaluationPeriods, datapoints) };

        Assert.Throws<ArgumentException>(() => AlarmDefinitions.Create(Full, options));
    }

    [GeneratedRegex("\\b[a-z][a-zA-Z0-9_]*\\b")]
    private static partial Regex Identifier();
}
