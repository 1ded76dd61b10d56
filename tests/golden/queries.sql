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
-- visits
SELECT * FROM clickstream.visits(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00') ORDER BY landed_ms;
-- stranger_stage
SELECT * FROM clickstream.stranger_stage(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- lead_stage
SELECT * FROM clickstream.lead_stage(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- online_visitors
SELECT * FROM clickstream.online_visitors(site = 'golden-sh', as_of = '2026-01-25 09:04:00');
-- potential_stage
SELECT * FROM clickstream.potential_stage(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- cart_abandonment_shanghai
SELECT * FROM clickstream.cart_abandonment(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- checkout_abandonment
SELECT * FROM clickstream.checkout_abandonment(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- dormant_potential_customers
SELECT * FROM clickstream.dormant_potential_customers(site = 'golden-sh', as_of = '2026-02-01 00:00:00', dormant_days = 7);
-- deal_stage
SELECT * FROM clickstream.deal_stage(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- campaign_conversion
SELECT * FROM clickstream.campaign_conversion(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- campaign_acquisition_cost
SELECT * FROM clickstream.campaign_acquisition_cost(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00', window_seconds = 604800);
-- growth_stage
SELECT * FROM clickstream.growth_stage(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- order_count_distribution_shanghai
SELECT * FROM clickstream.order_count_distribution(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
-- engagement
SELECT * FROM clickstream.engagement(site = 'golden-sh', date_from = '2026-01-01 00:00:00', date_to = '2026-02-01 00:00:00');
