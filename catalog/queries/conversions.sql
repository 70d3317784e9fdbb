-- Conversions: how many conversions each pixel recorded per event name, and their value per currency.
--
-- A conversion is an event from a person (is_bot and is_machine_open false) on the web or server channel (email
-- opens are in email_opens) whose event_name is in event_names, or, when event_names is empty, any event_name other
-- than pageview. Values are summed per currency, never across currencies; conversions without a currency form their
-- own row (currency null).
-- One row per (pixel_id, event_name, currency), ordered by the three.
-- Columns: pixel_id, event_name, currency, conversions, visitors, valued_conversions (those with a value),
-- value_sum, value_avg (over valued conversions; null when there are none).
--
-- @param start timestamp default=today-7d First instant counted, inclusive (UTC).
-- @param end timestamp default=today+1d End of the window, exclusive (UTC).
-- @param event_names list default='' Comma-separated event names that count as conversions, e.g. purchase,lead;
--   empty counts every event name except pageview.
-- @param pixel_id string default='' Only this pixel; empty counts every pixel.
-- @engines athena duckdb
SELECT
    pixel_id,
    event_name,
    currency,
    count(*) AS conversions,
    count(DISTINCT visitor_id) AS visitors,
    count(value) AS valued_conversions,
    sum(value) AS value_sum,
    avg(value) AS value_avg
FROM events
WHERE {{window(event_time)}}
  AND ({{pixel_id}} = '' OR pixel_id = {{pixel_id}})
  AND NOT is_bot
  AND NOT is_machine_open
  AND channel <> 'email'
  AND CASE
        WHEN {{event_names}} = '' THEN event_name <> 'pageview'
        ELSE contains(split({{event_names}}, ','), event_name)
      END
GROUP BY pixel_id, event_name, currency
ORDER BY pixel_id, event_name, currency NULLS LAST
