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
-- crm_period_orders
-- Shop golden_crm (Asia/Shanghai, UTC+8): periods are local; 1 March 00:00 local is 28 February
-- 16:00 UTC. The order o4 falls ten seconds into April locally (still March in UTC).
SELECT * FROM clickstream.period_orders(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00') ORDER BY order_id;
-- crm_period_customers
SELECT * FROM clickstream.period_customers(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00') ORDER BY person;
-- crm_value_pyramid
SELECT * FROM clickstream.value_pyramid(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_rfm_customers
SELECT * FROM clickstream.rfm_customers(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_rfm_summary
SELECT * FROM clickstream.rfm_summary(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_lifecycle_segments
SELECT * FROM clickstream.lifecycle_segments(site = 'golden_crm', as_of = '2026-04-01 00:00:00');
-- crm_lifecycle_people
SELECT * FROM clickstream.lifecycle_people(site = 'golden_crm', as_of = '2026-04-01 00:00:00');
-- crm_lifecycle_history
SELECT * FROM clickstream.lifecycle_history(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00', dormant_days = 30, one_time_churn_days = 180) ORDER BY as_of, person;
-- crm_lifecycle_movement
SELECT * FROM clickstream.lifecycle_movement(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_session_landings
SELECT person, session_id, landed_at, landing_event_id, channel, utm_source, utm_medium, utm_campaign, referrer_domain, landing_path FROM clickstream.session_landings WHERE site_id = 'golden_crm' ORDER BY landed_at;
-- crm_acquisition_sources
SELECT * FROM clickstream.acquisition_sources(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_acquisition_sources_compare
SELECT * FROM clickstream.acquisition_sources_compare(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00', compare_to = 'month');
-- crm_cohort_retention_first_visit
SELECT * FROM clickstream.cohort_retention(site = 'golden_crm', date_from = '2026-02-01 00:00:00', date_to = '2026-05-01 00:00:00', cohort_by = 'first_visit', grain = 'month');
-- crm_cohort_retention_first_order
SELECT * FROM clickstream.cohort_retention(site = 'golden_crm', date_from = '2026-02-01 00:00:00', date_to = '2026-05-01 00:00:00', cohort_by = 'first_order', grain = 'month');
-- crm_cohort_retention_weekly
SELECT * FROM clickstream.cohort_retention(site = 'golden_crm', date_from = '2026-02-23 00:00:00', date_to = '2026-03-16 00:00:00', cohort_by = 'first_visit', grain = 'week');
-- crm_order_items
SELECT * FROM clickstream.order_items WHERE site_id = 'golden_crm' ORDER BY order_id, line;
-- crm_period_order_items
SELECT * FROM clickstream.period_order_items(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00') ORDER BY order_id, line;
-- crm_product_stats
SELECT * FROM clickstream.product_stats(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_products_bought_together
SELECT * FROM clickstream.products_bought_together(site = 'golden_crm', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00');
-- crm_recently_viewed_products
SELECT * FROM clickstream.recently_viewed_products(site = 'golden_crm', visitor = 'c3', limit = 2);
-- crm_recently_viewed_products_person
SELECT * FROM clickstream.recently_viewed_products(site = 'golden_crm', visitor = 'u:ua', limit = 1);
