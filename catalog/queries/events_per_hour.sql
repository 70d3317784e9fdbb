-- Events per hour: how many events each UTC hour of the window holds, split into people and bots.
--
-- One row per hour that has events (hours without events are absent), oldest first.
-- Columns: hour_start (timestamp, UTC), events, human_events (is_bot false), bot_events (is_bot true).
--
-- @param start timestamp default=today-1d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @param pixel_id string default='' Only this pixel; empty counts every pixel.
-- @engines athena duckdb
SELECT
    date_trunc('hour', event_time) AS hour_start,
    count(*) AS events,
    count(*) FILTER (WHERE NOT is_bot) AS human_events,
    count(*) FILTER (WHERE is_bot) AS bot_events
FROM events
WHERE {{window(event_time)}}
  AND ({{pixel_id}} = '' OR pixel_id = {{pixel_id}})
GROUP BY 1
ORDER BY hour_start
