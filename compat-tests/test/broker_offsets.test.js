'use strict';

// Offsets: GET_MAX_OFFSET / GET_MIN_OFFSET / SEARCH_OFFSET_BY_TIMESTAMP / GET_EARLIEST_MSG_STORETIME /
// QUERY_CONSUMER_OFFSET / UPDATE_CONSUMER_OFFSET (raw and through ali-ons' own API), offsets
// committed by an ali-ons consumer, and a consumer restart resuming from the committed offsets.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const MessageQueue = require('ali-ons/lib/message_queue');
const { createNameServerClient } = require('../lib/alions');
const { BrokerEnv, Collector, Message, Code, RequestCode, PullFlag, uniq, waitUntil, sleep } = require('../lib/broker_env');

describe('broker: offsets', () => {
  let env;
  let ons; // ali-ons MQClient (API calls only)

  before(async () => {
    env = await BrokerEnv.start();
    ons = await createNameServerClient(env.nsAddr);
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (ons) await ons.close();
    if (env) await env.close();
  });

  it('max/min offsets, search by timestamp and earliest store time match what was sent', async () => {
    const topic = uniq('TOffsets');
    await env.createTopic(topic, { queues: 3 });
    const N = 6;
    for (let i = 0; i < N; i++) {
      const res = await env.sendRaw({ topic, queueId: 0, body: Buffer.from(`o-${i}`) });
      assert.equal(res.code, Code.SUCCESS, res.remark);
      assert.equal(Number(res.extFields.queueOffset), i, 'send response queueOffset');
      assert.equal(Number(res.extFields.queueId), 0);
      await sleep(25); // distinct store timestamps
    }
    for (let i = 0; i < 2; i++) await env.sendRaw({ topic, queueId: 1, body: Buffer.from(`p-${i}`) });
    await env.waitMaxOffset(topic, 1, 2);
    const msgs = await env.pullAll(topic, 0, { min: N });
    assert.deepEqual(msgs.map(m => m.queueOffset), [ 0, 1, 2, 3, 4, 5 ]);
    // sendRaw sends WAIT=true: single sends are stored without WAIT and with CLUSTER.
    assert.deepEqual(msgs[0].properties, { CLUSTER: env.clusterName }, msgs[0].propertiesString);
    const ts = msgs.map(m => m.storeTimestamp);
    for (let i = 1; i < N; i++) assert.ok(ts[i] > ts[i - 1] + 5, `store timestamps ${ts}`);

    assert.equal(await env.maxOffset(topic, 0), N);
    assert.equal(await env.maxOffset(topic, 1), 2);
    assert.equal(await env.maxOffset(topic, 2), 0, 'empty queue');
    assert.equal(await env.maxOffset(topic, 9), 0, 'queue that does not exist');
    assert.equal(await env.minOffset(topic, 0), 0);
    assert.equal(await env.minOffset(topic, 2), 0);
    assert.equal(await env.earliestStoreTime(topic, 0), ts[0]);
    assert.equal(await env.earliestStoreTime(topic, 1), (await env.pullAll(topic, 1))[0].storeTimestamp);
    assert.equal(await env.earliestStoreTime(topic, 2), -1, 'empty queue has no earliest store time');

    // SEARCH_OFFSET_BY_TIMESTAMP: exact hits, nearer neighbour, before all -> 0, after all -> last.
    for (let i = 0; i < N; i++) assert.equal(await env.searchOffset(topic, 0, ts[i]), i, `exact store time of offset ${i}`);
    assert.equal(await env.searchOffset(topic, 0, ts[3] - 2), 3, 'closer to offset 3 than to 2');
    assert.equal(await env.searchOffset(topic, 0, ts[2] + 2), 2, 'closer to offset 2 than to 3');
    assert.equal(await env.searchOffset(topic, 0, ts[0] - 100000), 0, 'before every message');
    assert.equal(await env.searchOffset(topic, 0, ts[N - 1] + 100000), N - 1, 'after every message: the last one');
    assert.equal(await env.searchOffset(topic, 2, Date.now()), 0, 'empty queue');

    // The same through the calls ali-ons' consumer makes (computePullFromWhere: maxOffset(mq),
    // searchOffset(mq, timestamp)), after its route lookup filled the broker table.
    await ons.client.updateTopicRouteInfoFromNameServer(topic);
    const mq = q => new MessageQueue(topic, env.brokerName, q);
    assert.equal(await ons.client.maxOffset(mq(0)), N);
    assert.equal(await ons.client.maxOffset(mq(2)), 0);
    assert.equal(await ons.client.searchOffset(mq(0), ts[4]), 4);
    assert.equal(await ons.client.searchOffset(mq(0), ts[0] - 100000), 0);
  });

  it('QUERY_CONSUMER_OFFSET: young queue -> 0, then UPDATE_CONSUMER_OFFSET and pull commits are returned', async () => {
    const topic = uniq('TCommit');
    const group = uniq('GCommit');
    await env.createTopic(topic, { queues: 2 });
    for (let i = 0; i < 5; i++) await env.sendRaw({ topic, queueId: 0, body: Buffer.from(`c-${i}`) });
    await env.waitMaxOffset(topic, 0, 5);

    // Nothing committed, first message still in memory: 0 (SUCCESS), not QUERY_NOT_FOUND.
    let q = await env.consumerOffset(group, topic, 0);
    assert.deepEqual([ q.code, q.offset ], [ Code.SUCCESS, 0 ], `young queue: ${JSON.stringify(q)}`);
    q = await env.consumerOffset(group, topic, 1);
    assert.deepEqual([ q.code, q.offset ], [ Code.SUCCESS, 0 ], `empty queue: ${JSON.stringify(q)}`);

    let res = await env.request(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: 0, commitOffset: 3 });
    assert.equal(res.code, Code.SUCCESS, res.remark);
    assert.equal((await env.consumerOffset(group, topic, 0)).offset, 3);
    // A lower value is stored as given.
    res = await env.request(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: 0, commitOffset: 1 });
    assert.equal(res.code, Code.SUCCESS);
    assert.equal((await env.consumerOffset(group, topic, 0)).offset, 1);
    // Other queues and groups are untouched.
    assert.equal((await env.consumerOffset(group, topic, 1)).offset, 0);
    assert.equal((await env.consumerOffset(uniq('GOther'), topic, 0)).offset, 0);

    // A pull with FLAG_COMMIT_OFFSET stores its commitOffset.
    const pulled = await env.pull({ group, topic, queueId: 0, offset: 1, commitOffset: 4,
      sysFlag: PullFlag.COMMIT_OFFSET | PullFlag.SUBSCRIPTION });
    assert.equal(pulled.code, Code.SUCCESS);
    assert.deepEqual(pulled.messages.map(m => m.queueOffset), [ 1, 2, 3, 4 ]);
    assert.equal((await env.consumerOffset(group, topic, 0)).offset, 4);
    // Without the flag it does not.
    await env.pull({ group, topic, queueId: 0, offset: 0, commitOffset: 2, sysFlag: PullFlag.SUBSCRIPTION });
    assert.equal((await env.consumerOffset(group, topic, 0)).offset, 4);

    // ali-ons' own API reads it the same way.
    assert.equal(await ons.client.queryConsumerOffset(env.brokerAddr, { consumerGroup: group, topic, queueId: 0 }, 3000), 4);
  });

  it('an ali-ons consumer commits offsets equal to the max offsets once it consumed everything', async () => {
    const topic = uniq('TAuto');
    const group = uniq('GAuto');
    await env.createTopic(topic, { queues: 4 });
    const producer = await env.producer();
    for (let i = 0; i < 41; i++) await producer.send(new Message(topic, 'A', Buffer.from(`a-${i}`)));
    const col = new Collector('auto');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);
    await col.waitFor(41);
    const max = [];
    for (let q = 0; q < 4; q++) max.push(await env.maxOffset(topic, q));
    assert.equal(max.reduce((a, b) => a + b, 0), 41);
    const committed = await waitUntil(async () => {
      const c = [];
      for (let q = 0; q < 4; q++) c.push((await env.consumerOffset(group, topic, q)).offset);
      return c.every((v, q) => v === max[q]) ? c : null;
    }, { timeoutMs: 8000, describe: `committed offsets reach ${max}` });
    assert.deepEqual(committed, max);
  });

  it('a consumer restart resumes from the committed offsets: no loss, no re-delivery below them', async () => {
    const topic = uniq('TResume');
    const group = uniq('GResume');
    const Q = 4;
    await env.createTopic(topic, { queues: Q });
    const producer = await env.producer();
    const P1 = 80;
    for (let i = 0; i < P1; i++) await producer.send(new Message(topic, 'R', Buffer.from(`r-${i}`)));

    // First consumer: slow handler, closed in the middle of the stream.
    const a = new Collector('first');
    a.onMessage = () => sleep(10);
    const consumerA = await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: a.handler } ]);
    await a.waitFor(30, 15000);
    await env.closeClient(consumerA);
    const aCount = a.count;
    await sleep(500); // let the oneway UPDATE_CONSUMER_OFFSET of close() land
    const committed = [];
    for (let q = 0; q < Q; q++) {
      const r = await env.consumerOffset(group, topic, q);
      assert.equal(r.code, Code.SUCCESS, JSON.stringify(r));
      committed.push(r.offset);
    }
    // Committed offsets never exceed what was consumed: every offset below them was handled by A.
    for (let q = 0; q < Q; q++) {
      const got = new Set(a.messages.filter(m => m.queueId === q).map(m => m.queueOffset));
      for (let o = 0; o < committed[q]; o++) assert.ok(got.has(o), `queue ${q} offset ${o} committed (${committed[q]}) but never consumed`);
    }
    assert.ok(aCount < P1, `the first consumer already got everything (${aCount}); the test needs a partial consumption`);

    const P2 = 20;
    for (let i = 0; i < P2; i++) await producer.send(new Message(topic, 'R', Buffer.from(`r-${P1 + i}`)));
    const max = await waitUntil(async () => {
      const m = [];
      for (let q = 0; q < Q; q++) m.push(await env.maxOffset(topic, q));
      return m.reduce((x, y) => x + y, 0) === P1 + P2 ? m : null;
    }, { timeoutMs: 5000, describe: `max offsets add up to ${P1 + P2}` });

    // Second consumer, same group: exactly offsets [committed, max) of every queue.
    const b = new Collector('second');
    const expected = max.reduce((n, m, q) => n + m - committed[q], 0);
    await env.consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
      [ { topic, expr: '*', handler: b.handler } ]);
    await b.waitFor(expected, 20000);
    await sleep(700);
    assert.equal(b.count, expected, `second consumer got ${b.count}, expected ${expected} (committed ${committed}, max ${max})`);
    for (let q = 0; q < Q; q++) {
      const offs = b.messages.filter(m => m.queueId === q).map(m => m.queueOffset).sort((x, y) => x - y);
      const want = Array.from({ length: max[q] - committed[q] }, (_, k) => committed[q] + k);
      assert.deepEqual(offs, want, `queue ${q}: resumed offsets`);
    }
    // Nothing lost overall.
    const all = new Set([ ...a.messages, ...b.messages ].map(m => m.body.toString()));
    for (let i = 0; i < P1 + P2; i++) assert.ok(all.has(`r-${i}`), `r-${i} lost`);
    console.log(`# resume: first consumer handled ${aCount}, committed ${committed}, second got ${b.count} ` +
      `(${b.messages.filter(m => Number(m.body.toString().slice(2)) < P1).length} of them from before the restart)`);
  });
});
