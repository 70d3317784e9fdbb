-- Email opens: how often each email pixel was loaded per UTC day and campaign, and how many of those loads were
-- people rather than mail privacy proxies and scanners.
--
-- Every hit on the email channel counts as an open. machine_opens are hits the email-open rules attribute to a proxy
-- or scanner (is_machine_open: Gmail and Yahoo image proxies, Apple Mail Privacy Protection, known scanners);
-- bot_opens are the remaining hits flagged is_bot; human_opens are the rest.
-- One row per (day_start, pixel_id, utm_campaign), ordered by the three; utm_campaign is null when the tag had none.
-- Columns: day_start (timestamp, UTC midnight), pixel_id, utm_campaign, opens, human_opens, machine_opens, bot_opens,
-- human_openers (distinct visitor_id among human opens), machine_share (machine_opens / opens, 0 to 1).
--
-- @param start timestamp default=today-7d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @param pixel_id string default='' Only this pixel; empty counts every pixel.
-- @engines athena duckdb
SELECT
    date_trunc('day', event_time) AS day_start,
    pixel_id,
    utm_campaign,
    count(*) AS opens,
    count(*) FILTER (WHERE NOT is_machine_open AND NOT is_bot) AS human_opens,
    count(*) FILTER (WHERE is_machine_open) AS machine_opens,
    count(*) FILTER (WHERE is_bot AND NOT is_machine_open) AS bot_opens,
    count(DISTINCT CASE WHEN NOT is_machine_open AND NOT is_bot THEN visitor_id END) AS human_openers,
    CAST(count(*) FILTER (WHERE is_machine_open) AS DOUBLE) / count(*) AS machine_share
FROM events
WHERE {{window(event_time)}}
  AND channel = 'email'
  AND ({{pixel_id}} = '' OR pixel_id = {{pixel_id}})
GROUP BY 1, 2, 3
ORDER BY day_start, pixel_id, utm_campaign NULLS LAST
