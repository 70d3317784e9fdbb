-- Top referrers: where people came from, by referrer host and medium (search, social, email, internal, direct,
-- other), with each medium's total. Bots (is_bot) are left out.
--
-- One row per (referrer_medium, referrer_host), most events first; referrer_host is null for direct traffic.
-- Columns: referrer_medium, referrer_host, events, visitors, medium_events (events of that medium across all hosts,
-- not only the rows returned), medium_share (medium_events / all events counted, 0 to 1).
--
-- @param start timestamp default=today-7d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @param limit integer(1..100000) default=20 How many (medium, host) rows to return.
-- @engines athena duckdb
SELECT
    referrer_medium,
    referrer_host,
    count(*) AS events,
    count(DISTINCT visitor_id) AS visitors,
    CAST(sum(count(*)) OVER (PARTITION BY referrer_medium) AS BIGINT) AS medium_events,
    CAST(sum(count(*)) OVER (PARTITION BY referrer_medium) AS DOUBLE) / sum(count(*)) OVER () AS medium_share
FROM events
WHERE {{window(event_time)}}
  AND NOT is_bot
GROUP BY referrer_medium, referrer_host
ORDER BY events DESC, referrer_medium, referrer_host NULLS LAST
LIMIT {{limit}}
