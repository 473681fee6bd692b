'use strict';

// Many topics and groups at once: 20 topics (1-4 queues) x 3 consumer groups, each group
// subscribed to every topic; every group receives every message exactly once and commits offsets
// equal to the max offsets of all 50 queues.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { BrokerEnv, Collector, Message, uniq, waitUntil, sleep } = require('../lib/broker_env');

describe('broker: many topics and groups', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('20 topics x 3 groups: every group gets every message once and commits every queue', async () => {
    const T = 20;
    const G = 3;
    const PER_TOPIC = 12;
    const topics = Array.from({ length: T }, (_, i) => ({ name: uniq(`TMany${i}`), queues: 1 + (i % 4) }));
    await Promise.all(topics.map(t => env.createTopic(t.name, { queues: t.queues })));
    const groups = Array.from({ length: G }, (_, g) => ({ name: uniq(`GMany${g}`), col: new Collector(`g${g}`) }));
    for (const g of groups) {
      g.consumer = await env.consumer({ consumerGroup: g.name },
        topics.map(t => ({ topic: t.name, expr: '*', handler: g.col.handler })));
    }
    for (const g of groups) {
      for (const t of topics) await env.waitAssigned(g.consumer, t.name, t.queues, 15000);
    }
    // Two producers in parallel over all topics.
    const producers = [ await env.producer(), await env.producer() ];
    const total = T * PER_TOPIC;
    const t0 = Date.now();
    await Promise.all(producers.map(async (p, k) => {
      for (let i = k; i < total; i += producers.length) {
        const t = topics[i % T];
        const res = await p.send(new Message(t.name, `Tag${i % 3}`, Buffer.from(`${t.name}|${i}`)));
        assert.equal(res.sendStatus, 'SEND_OK');
      }
    }));
    for (const g of groups) await g.col.waitFor(total, 30000);
    const took = Date.now() - t0;
    await sleep(500);
    for (const g of groups) {
      const bodies = g.col.messages.map(m => m.body.toString());
      assert.equal(bodies.length, total, `${g.name} got ${bodies.length} of ${total}`);
      assert.equal(new Set(bodies).size, total, `${g.name} got duplicates`);
      for (const m of g.col.messages) assert.ok(m.body.toString().startsWith(`${m.topic}|`), 'message of another topic');
    }
    // Committed offsets == max offsets for each (group, topic, queue).
    const max = new Map();
    let sum = 0;
    for (const t of topics) {
      for (let q = 0; q < t.queues; q++) {
        const m = await env.maxOffset(t.name, q);
        max.set(`${t.name}/${q}`, m);
        sum += m;
      }
    }
    assert.equal(sum, total);
    for (const g of groups) {
      await waitUntil(async () => {
        for (const t of topics) {
          for (let q = 0; q < t.queues; q++) {
            if ((await env.consumerOffset(g.name, t.name, q)).offset !== max.get(`${t.name}/${q}`)) return false;
          }
        }
        return true;
      }, { timeoutMs: 10000, intervalMs: 200, describe: `${g.name} committed every queue` });
    }
    console.log(`# many: ${T} topics (${sum} msgs over ${max.size} queues) x ${G} groups delivered in ${took} ms`);
  });
});
