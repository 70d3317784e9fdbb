-- Top user agents: which browser, operating system and device combinations send the most events, and which share
-- of each is flagged as bots.
--
-- One row per (ua_browser, ua_os, ua_device), null when the user agent did not say, most events first.
-- Columns: ua_browser, ua_os, ua_device, events, bot_events, bot_share (bot_events / events, 0 to 1), visitors.
--
-- @param start timestamp default=today-7d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @param limit integer(1..100000) default=20 How many combinations to return.
-- @engines athena duckdb
SELECT
    ua_browser,
    ua_os,
    ua_device,
    count(*) AS events,
    count(*) FILTER (WHERE is_bot) AS bot_events,
    CAST(count(*) FILTER (WHERE is_bot) AS DOUBLE) / count(*) AS bot_share,
    count(DISTINCT visitor_id) AS visitors
FROM events
WHERE {{window(event_time)}}
GROUP BY ua_browser, ua_os, ua_device
ORDER BY events DESC, ua_browser NULLS LAST, ua_os NULLS LAST, ua_device NULLS LAST
LIMIT {{limit}}
