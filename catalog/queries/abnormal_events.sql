-- Abnormal events: which hours of the window look wrong, and which pixel ids should not be sending.
--
-- Each whole UTC hour in the window (starting at or after start, ending by end) is compared with the baseline_hours
-- hours before it, hours without rows counting as 0, by
--   score = (observed - mean) / max(stddev, sqrt(max(mean, 1)))
-- a z-score against the trailing baseline (population standard deviation) whose divisor never drops below the
-- Poisson noise of a count with that mean, so that a flat or nearly empty baseline does not turn a few events into
-- an alarm. Rows, by kind:
--   volume          all events in the hour, when |score| >= z_threshold (spikes and drops);
--   bot_spike       events flagged is_bot, when score >= z_threshold;
--   bad_rows_spike  rows of bad_rows (by their time), when score >= z_threshold;
--   unknown_pixel   a pixel_id with events in [start, end) that is not in known_pixel_ids or, when that list is
--                   empty, had no event in the baseline_hours before start; hour_start is the hour of its first event
--                   in the window and observed its events in the window (bots included).
-- Ordered by hour_start, kind, pixel_id. The window and baseline together may span at most 10 000 hours (Athena's
-- limit for sequence()).
-- Columns: kind, hour_start (timestamp, UTC), pixel_id (unknown_pixel only), observed, baseline_mean,
-- baseline_stddev, score (the last three null for unknown_pixel).
--
-- @param start timestamp default=now-24h First hour scored: hours starting at or after it (UTC).
-- @param end timestamp default=now End of the window, exclusive (UTC); an hour is scored once it has ended.
-- @param baseline_hours integer(1..720) default=24 How many hours before each scored hour form its baseline.
-- @param z_threshold number(0..) default=3 The score from which an hour is reported.
-- @param known_pixel_ids list default='' Comma-separated pixel ids in use; empty: a pixel is unknown when it had no
--   event in the baseline_hours before start.
-- @engines athena duckdb
WITH hours AS (
    -- Every hour from the first baseline hour to the last hour that ends by end, so that empty hours count as 0.
    SELECT hour_start
    FROM UNNEST(sequence(
        date_trunc('hour', {{start}}) - {{baseline_hours}} * INTERVAL '1' HOUR,
        greatest(
            date_trunc('hour', {{end}}) - INTERVAL '1' HOUR,
            date_trunc('hour', {{start}}) - {{baseline_hours}} * INTERVAL '1' HOUR),
        INTERVAL '1' HOUR)) AS t (hour_start)
),
hourly_events AS (
    SELECT
        date_trunc('hour', event_time) AS hour_start,
        count(*) AS events,
        count(*) FILTER (WHERE is_bot) AS bot_events
    FROM events
    WHERE {{window(event_time, lookback=baseline_hours)}}
    GROUP BY 1
),
hourly_bad_rows AS (
    SELECT
        date_trunc('hour', time) AS hour_start,
        count(*) AS bad_rows
    FROM bad_rows
    WHERE {{window(time, lookback=baseline_hours)}}
    GROUP BY 1
),
series AS (
    SELECT
        h.hour_start,
        CAST(coalesce(e.events, 0) AS DOUBLE) AS events,
        CAST(coalesce(e.bot_events, 0) AS DOUBLE) AS bot_events,
        CAST(coalesce(b.bad_rows, 0) AS DOUBLE) AS bad_rows
    FROM hours AS h
    LEFT JOIN hourly_events AS e ON e.hour_start = h.hour_start
    LEFT JOIN hourly_bad_rows AS b ON b.hour_start = h.hour_start
),
baselines AS (
    SELECT
        hour_start,
        events,
        bot_events,
        bad_rows,
        avg(events) OVER (ORDER BY hour_start ROWS BETWEEN {{baseline_hours}} PRECEDING AND 1 PRECEDING) AS events_mean,
        stddev_pop(events) OVER (ORDER BY hour_start ROWS BETWEEN {{baseline_hours}} PRECEDING AND 1 PRECEDING) AS events_stddev,
        avg(bot_events) OVER (ORDER BY hour_start ROWS BETWEEN {{baseline_hours}} PRECEDING AND 1 PRECEDING) AS bot_mean,
        stddev_pop(bot_events) OVER (ORDER BY hour_start ROWS BETWEEN {{baseline_hours}} PRECEDING AND 1 PRECEDING) AS bot_stddev,
        avg(bad_rows) OVER (ORDER BY hour_start ROWS BETWEEN {{baseline_hours}} PRECEDING AND 1 PRECEDING) AS bad_mean,
        stddev_pop(bad_rows) OVER (ORDER BY hour_start ROWS BETWEEN {{baseline_hours}} PRECEDING AND 1 PRECEDING) AS bad_stddev
    FROM series
),
scores AS (
    -- Only hours of the window: each has baseline_hours hours before it in the series.
    SELECT
        hour_start,
        events,
        events_mean,
        events_stddev,
        (events - events_mean) / greatest(events_stddev, sqrt(greatest(events_mean, CAST(1 AS DOUBLE)))) AS events_score,
        bot_events,
        bot_mean,
        bot_stddev,
        (bot_events - bot_mean) / greatest(bot_stddev, sqrt(greatest(bot_mean, CAST(1 AS DOUBLE)))) AS bot_score,
        bad_rows,
        bad_mean,
        bad_stddev,
        (bad_rows - bad_mean) / greatest(bad_stddev, sqrt(greatest(bad_mean, CAST(1 AS DOUBLE)))) AS bad_score
    FROM baselines
    WHERE hour_start >= {{start}}
),
pixels AS (
    SELECT
        pixel_id,
        min(event_time) FILTER (WHERE event_time >= {{start}}) AS first_event_time,
        count(*) FILTER (WHERE event_time >= {{start}}) AS window_events,
        count(*) FILTER (WHERE event_time < {{start}}) AS baseline_events
    FROM events
    WHERE {{window(event_time, lookback=baseline_hours)}}
    GROUP BY pixel_id
)
SELECT
    'volume' AS kind,
    hour_start,
    CAST(NULL AS VARCHAR) AS pixel_id,
    CAST(events AS BIGINT) AS observed,
    events_mean AS baseline_mean,
    events_stddev AS baseline_stddev,
    events_score AS score
FROM scores
WHERE abs(events_score) >= {{z_threshold}}
UNION ALL
SELECT 'bot_spike', hour_start, CAST(NULL AS VARCHAR), CAST(bot_events AS BIGINT), bot_mean, bot_stddev, bot_score
FROM scores
WHERE bot_score >= {{z_threshold}}
UNION ALL
SELECT 'bad_rows_spike', hour_start, CAST(NULL AS VARCHAR), CAST(bad_rows AS BIGINT), bad_mean, bad_stddev, bad_score
FROM scores
WHERE bad_score >= {{z_threshold}}
UNION ALL
SELECT
    'unknown_pixel',
    date_trunc('hour', first_event_time),
    pixel_id,
    window_events,
    CAST(NULL AS DOUBLE),
    CAST(NULL AS DOUBLE),
    CAST(NULL AS DOUBLE)
FROM pixels
WHERE window_events > 0
  AND CASE
        WHEN {{known_pixel_ids}} = '' THEN baseline_events = 0
        ELSE NOT contains(split({{known_pixel_ids}}, ','), pixel_id)
      END
ORDER BY hour_start, kind, pixel_id NULLS LAST
