-- funnel_steps: the steps of the ordered funnel and which events satisfy each. THE place to
-- change them: every funnel view (funnel, funnel_by_*, funnel_stage_reached) reads this.
-- Answers: "what does step N of the funnel mean?" (SPEC section 8, the default funnel).
-- An event satisfies a step when its type is in event_types, or (or_user_id = 1) when it carries
-- a user_id. The order rules are fixed in funnel_chains: six steps; step 1 starts the chain
-- inside the period; step 2 needs a second, distinct event of the starting event's session (for
-- page views: the bounce is its absence); steps 3-6 follow in order, each at or after the
-- previous (step 3 strictly after step 2), all within the window.
-- Columns:
--   step         1..6
--   step_name    visit, engaged, interest, cart, identified, order
--   event_types  event types that satisfy the step
--   or_user_id   1: any event carrying a user_id satisfies it too
CREATE OR REPLACE VIEW clickstream.funnel_steps AS
SELECT step, step_name, event_types, or_user_id
FROM VALUES(
    'step UInt8, step_name String, event_types Array(String), or_user_id UInt8',
    (1, 'visit', ['page_view'], 0),
    (2, 'engaged', ['page_view'], 0),
    (3, 'interest', ['favorite', 'add_to_cart'], 0),
    (4, 'cart', ['add_to_cart'], 0),
    (5, 'identified', ['register', 'login'], 1),
    (6, 'order', ['order'], 0)
)
ORDER BY step;
