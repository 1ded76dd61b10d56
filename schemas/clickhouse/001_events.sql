-- The raw event table: one row per accepted event, enriched by the collector.
--
-- Deduplication on event_id. The sort key ends in event_id and holds nothing that can differ
-- between two deliveries of one event (the skew-corrected `ts` can, by the network jitter of a
-- client retry), so ReplacingMergeTree collapses duplicates and `FINAL` removes them exactly at
-- query time; views never rely on background merges. The loader also drops duplicates inside a
-- batch and sends each batch with an insert_deduplication_token, for which the table keeps a
-- deduplication window (non-replicated tables default to none).
--
-- Sort key (site_id, anonymous_id, event_id): the analytics read one visitor at a time.
-- Monthly partitions by event time; retention is off by default (shops import years of history)
-- and set with `clickstream migrate --retention-days N`.
CREATE TABLE IF NOT EXISTS clickstream.events
(
    event_id        UUID COMMENT 'made by the sender; deduplication key end to end',
    site_id         LowCardinality(String) COMMENT 'shop, from the write key',
    type            LowCardinality(String) COMMENT 'page_view, favorite, add_to_cart, register, order, other known or custom name',
    event_name      String COMMENT 'name as the sender called it (Segment track name); else equal to type',
    anonymous_id    String COMMENT 'visitor id from the first-party cookie; empty for user-only server events',
    user_id         String COMMENT 'known user id; empty while anonymous',
    session_id      String COMMENT '30 minutes of inactivity end a session',

    ts              DateTime64(3, 'UTC') COMMENT 'event time, UTC, skew-corrected and bounded',
    client_ts       DateTime64(3, 'UTC') COMMENT 'event time as the client reported it',
    sent_at         Nullable(DateTime64(3, 'UTC')) COMMENT 'client time of sending, if sent',
    received_at     DateTime64(3, 'UTC') COMMENT 'collector time of receipt',
    clock_skew_ms   Int64 COMMENT 'correction applied to client_ts to get ts, milliseconds',
    is_late         UInt8 COMMENT '1 when the event reached the collector long after it happened',

    url             String,
    path            String,
    title           String,
    referrer        String,
    referrer_domain LowCardinality(String),
    channel         LowCardinality(String) COMMENT 'direct, search, social, email, paid, referral, internal',
    utm_source      LowCardinality(String),
    utm_medium      LowCardinality(String),
    utm_campaign    LowCardinality(String),
    utm_term        String,
    utm_content     String,
    click_id        String COMMENT 'ad click id from the landing URL (gclid, fbclid, msclkid, ...)',
    screen_width    UInt16,
    screen_height   UInt16,
    language        LowCardinality(String),

    browser         LowCardinality(String),
    browser_version LowCardinality(String),
    os              LowCardinality(String),
    os_version      LowCardinality(String),
    device_class    LowCardinality(String) COMMENT 'desktop, mobile, tablet, bot, other',
    is_bot          UInt8,
    ip_prefix       String COMMENT 'client IP truncated to /24 (IPv4) or /48 (IPv6); empty when dropped',

    product_id      String,
    category        String,
    price           Decimal(18, 4) COMMENT 'unit price, in currency',
    quantity        UInt32,
    currency        LowCardinality(String) COMMENT 'ISO 4217',
    order_id        String COMMENT 'orders count once per order_id',
    revenue         Decimal(18, 4) COMMENT 'order total, in currency',
    items           Nested
    (
        product_id  String,
        category    String,
        price       Decimal(18, 4),
        quantity    UInt32
    ),
    properties      Map(String, String) COMMENT 'free key/value pairs; non-string values JSON-encoded',

    source          LowCardinality(String) COMMENT 'how it arrived: batch, track, page, identify, pixel, import',
    loaded_at       DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when the loader inserted it'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, anonymous_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000;
