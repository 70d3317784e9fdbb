-- Events by pixel and event name: how many events of each name each pixel sent in the window, from people and from
-- bots, by how many visitors, and when the first and last came.
--
-- One row per (pixel_id, event_name), ordered by both.
-- Columns: pixel_id, event_name, events, human_events, bot_events, visitors, first_event_time, last_event_time
-- (timestamps, UTC).
--
-- @param start timestamp default=today-7d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @engines athena duckdb
SELECT
    pixel_id,
    event_name,
    count(*) AS events,
    count(*) FILTER (WHERE NOT is_bot) AS human_events,
    count(*) FILTER (WHERE is_bot) AS bot_events,
    count(DISTINCT visitor_id) AS visitors,
    min(event_time) AS first_event_time,
    max(event_time) AS last_event_time
FROM events
WHERE {{window(event_time)}}
GROUP BY pixel_id, event_name
ORDER BY pixel_id, event_name
