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
