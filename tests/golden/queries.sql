-- One query per golden file: <name>.tsv holds its expected TabSeparatedWithNames output.
-- funnel
SELECT * FROM clickstream.funnel(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- order_count_distribution
SELECT * FROM clickstream.order_count_distribution(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- value_pyramid
SELECT * FROM clickstream.value_pyramid(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- cart_abandonment
SELECT * FROM clickstream.cart_abandonment(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- lifecycle_segments
SELECT * FROM clickstream.lifecycle_segments(site = 'golden', as_of = '2026-02-01 00:00:00');
-- funnel_by_period
SELECT * FROM clickstream.funnel_by_period(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800, bucket = 'day');
-- funnel_by_channel
SELECT * FROM clickstream.funnel_by_channel(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- funnel_by_campaign
SELECT * FROM clickstream.funnel_by_campaign(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- funnel_by_device
SELECT * FROM clickstream.funnel_by_device(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- funnel_by_visitor_type
SELECT * FROM clickstream.funnel_by_visitor_type(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- funnel_stage_reached
SELECT * FROM clickstream.funnel_stage_reached(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- conversion_trend
SELECT * FROM clickstream.conversion_trend(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', bucket = 'week');
-- traffic
SELECT * FROM clickstream.traffic(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', bucket = 'month');
-- traffic_totals
SELECT * FROM clickstream.traffic_totals(site = 'golden', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', bucket = 'day');
-- funnel_east
-- golden_east (Asia/Shanghai): 18:00:30 local on 5 January is 10:00:30 UTC, so of a1's two page views only the second (10:01 UTC) starts a chain, and it has no later page view in its session.
SELECT * FROM clickstream.funnel(site = 'golden_east', date_from = '2026-01-05 18:00:30', date_to = '2026-01-06 00:00:00', window_seconds = 604800);
-- conversion_trend_east
-- golden_east: d2's order at 20:05 UTC on 20 January falls on 21 January in Shanghai.
SELECT * FROM clickstream.conversion_trend(site = 'golden_east', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', bucket = 'day');
