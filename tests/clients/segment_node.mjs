// Sends a shopper's calls through Segment's official Node library (@segment/analytics-node) to
// the collector, as a shop's server would: node segment_node.mjs COLLECTOR_URL WRITE_KEY ANON_ID
// Prints {"errors": [...], "requests": N} once everything is flushed.
import { Analytics } from '@segment/analytics-node'

const [host, writeKey, anonymousId] = process.argv.slice(2)
const analytics = new Analytics({ writeKey, host, maxRetries: 1, flushInterval: 200 })
const errors = []
let requests = 0
analytics.on('error', (error) => errors.push(String(error.reason ?? error.message ?? error)))
analytics.on('http_request', () => { requests += 1 })

analytics.page({
  anonymousId,
  name: 'Pricing',
  properties: { url: 'https://shop.example/pricing', title: 'Pricing', path: '/pricing' },
})
analytics.track({
  anonymousId,
  event: 'Product Added',
  properties: { product_id: 'p-9', price: 19.99, quantity: 2 },
})
analytics.identify({ anonymousId, userId: 'node-u-1', traits: { plan: 'gold' } })
analytics.track({
  anonymousId,
  userId: 'node-u-1',
  event: 'Order Completed',
  properties: {
    order_id: 'node-o-1',
    revenue: 39.98,
    currency: 'EUR',
    products: [{ product_id: 'p-9', price: 19.99, quantity: 2 }],
  },
})
analytics.screen({ anonymousId, name: 'Basket' })
analytics.group({ anonymousId, groupId: 'acme', traits: { seats: 3 } })
analytics.alias({ userId: 'node-u-1', previousId: `${anonymousId}-old` })
await analytics.closeAndFlush({ timeout: 20000 })
console.log(JSON.stringify({ errors, requests }))
