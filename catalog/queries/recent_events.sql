-- Recent events: the latest events in the window, newest first, with the columns needed to see what came in.
--
-- Columns: event_time (UTC), event_id, pixel_id, event_name, channel, page_url, referrer_medium, referrer_host,
-- visitor_id, country, ua_browser, ua_os, ua_device, is_bot, bot_reason, is_machine_open, value, currency.
--
-- @param start timestamp default=now-1d First instant shown, inclusive (UTC).
-- @param end timestamp default=now+1h End of the window, exclusive (UTC); the default allows for clocks slightly ahead.
-- @param pixel_id string default='' Only this pixel; empty shows every pixel.
-- @param limit integer(1..100000) default=50 How many events to return.
-- @engines athena duckdb
SELECT
    event_time,
    event_id,
    pixel_id,
    event_name,
    channel,
    page_url,
    referrer_medium,
    referrer_host,
    visitor_id,
    country,
    ua_browser,
    ua_os,
    ua_device,
    is_bot,
    bot_reason,
    is_machine_open,
    value,
    currency
FROM events
WHERE {{window(event_time)}}
  AND ({{pixel_id}} = '' OR pixel_id = {{pixel_id}})
ORDER BY event_time DESC, event_id DESC
LIMIT {{limit}}
