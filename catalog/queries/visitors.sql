-- Visitors: how many distinct visitors (visitor_id) each UTC day or hour of the window saw.
--
-- visitor_id rotates at UTC midnight for visitors the site does not identify (no uid), so a visitor is counted once
-- per day; adding up days counts a returning visitor once for each day. One row per period with events, oldest first.
-- Columns: period_start (timestamp, UTC), visitors, human_visitors (visitors with an event not flagged is_bot),
-- events.
--
-- @param start timestamp default=today-7d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @param granularity choice(day|hour) default=day Count per UTC day or per UTC hour.
-- @param pixel_id string default='' Only this pixel; empty counts every pixel.
-- @engines athena duckdb
SELECT
    date_trunc({{granularity}}, event_time) AS period_start,
    count(DISTINCT visitor_id) AS visitors,
    count(DISTINCT CASE WHEN NOT is_bot THEN visitor_id END) AS human_visitors,
    count(*) AS events
FROM events
WHERE {{window(event_time)}}
  AND ({{pixel_id}} = '' OR pixel_id = {{pixel_id}})
GROUP BY 1
ORDER BY period_start
