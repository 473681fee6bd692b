'use strict';

// Reset of consumer offsets by time, INVOKE_BROKER_TO_RESET_OFFSET (222, the admin request of
// `mqadmin resetOffsetByTime`), on the real binaries. ali-ons 3.12 ignores the broker's
// RESET_CONSUMER_CLIENT_OFFSET (220) push, so a consumer of our own, registered by HEART_BEAT and
// kept connected, receives it and does what the Java client does (adopts the offsets and commits
// them). Java 4.9.8 (Broker2Client.resetOffset; shared/protocol/broker-requests.md 9.6 and
// semantics.md 12): per write queue the new offset is the offset for the timestamp (max offset for
// -1) if isForce or lower than the stored one, else the stored one; the broker pushes that table
// oneway to every live consumer of the group and answers it; it does not change its own offset
// table (the clients commit). Capture: mqadmin_resetOffsetByTime.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { BrokerEnv, Collector, Code, uniq, waitUntil, sleep } = require('../lib/broker_env');
const { RawConsumer } = require('../lib/raw_clients');

const INVOKE_BROKER_TO_RESET_OFFSET = 222;
const CONSUMER_NOT_ONLINE = 206;

describe('broker: INVOKE_BROKER_TO_RESET_OFFSET', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  function reset(topic, group, timestamp, isForce, opts = {}) {
    return env.request(INVOKE_BROKER_TO_RESET_OFFSET, { topic, group, timestamp, isForce }, opts);
  }

  /** Two queues with 3 + 3 messages each, the second batch stored later; returns its start time. */
  async function fill(topic) {
    for (let q = 0; q < 2; q++) for (let i = 0; i < 3; i++) await env.sendRaw({ topic, queueId: q, body: Buffer.from(`a-${q}-${i}`) });
    await sleep(300);
    const mid = Date.now();
    await sleep(50);
    for (let q = 0; q < 2; q++) for (let i = 3; i < 6; i++) await env.sendRaw({ topic, queueId: q, body: Buffer.from(`b-${q}-${i}`) });
    for (let q = 0; q < 2; q++) await env.waitMaxOffset(topic, q, 6);
    return mid;
  }

  async function stored(group, topic) {
    const out = [];
    for (let q = 0; q < 2; q++) out.push((await env.consumerOffset(group, topic, q)).offset);
    return out;
  }

  it('pushes RESET_CONSUMER_CLIENT_OFFSET with the offset table to the live consumer; isForce true and false', async () => {
    const topic = uniq('TReset');
    const group = uniq('GReset');
    await env.createTopic(topic, { queues: 2 });
    const mid = await fill(topic);
    // What the broker computes per queue is SEARCH_OFFSET_BY_TIMESTAMP's answer.
    for (let q = 0; q < 2; q++) assert.equal(await env.searchOffset(topic, q, mid), 3, `offset by time of queue ${q}`);
    const future = Date.now() + 3600 * 1000;
    const lastByTime = [ await env.searchOffset(topic, 0, future), await env.searchOffset(topic, 1, future) ];

    const consumer = await RawConsumer.connect(env, group, topic);
    for (let q = 0; q < 2; q++) assert.equal((await consumer.consume(q)).length, 6);
    assert.deepEqual(await stored(group, topic), [ 6, 6 ]);

    // Back to the middle (lower than the stored offsets: isForce does not matter).
    consumer.adopt = false;
    let res = await reset(topic, group, mid, false);
    assert.deepEqual([ res.code, res.remark ], [ Code.SUCCESS, 'not set any response code' ]);
    let push = await consumer.nextReset(1);
    assert.deepEqual(push.ext, { topic, group, timestamp: String(mid), isForce: 'false' });
    assert.equal(push.cmd.isOneway, true, 'pushed oneway');
    assert.equal(push.cmd.serializeType, 'JSON');
    assert.deepEqual(push.table, { 0: 3, 1: 3 });
    // Body: fastjson ResetOffsetBody with MessageQueue object keys, as in the capture.
    assert.match(push.raw, /^\{"offsetTable":\{\{"brokerName":"[^"]+","queueId":0,"topic":"[^"]+"\}:3,\{"brokerName":"[^"]+","queueId":1,"topic":"[^"]+"\}:3\}\}$/);
    assert.ok(push.raw.includes(`"brokerName":"${env.brokerName}"`));
    // The answer carries the same table.
    assert.equal(res.body.toString(), push.raw);
    // Java 4.9.8 leaves its own offset table alone: until the client commits, 6 is stored.
    assert.deepEqual(await stored(group, topic), [ 6, 6 ]);
    for (const [ q, off ] of Object.entries(push.table)) {
      consumer.offsets.set(Number(q), off);
      await consumer.commit(Number(q), off);
    }
    assert.deepEqual(await stored(group, topic), [ 3, 3 ], 'QUERY_CONSUMER_OFFSET after the client committed the reset');
    consumer.adopt = true;
    // The consumer goes on from there: the second batch again.
    assert.deepEqual((await consumer.consume(0)).map(m => m.body.toString()), [ 'b-0-3', 'b-0-4', 'b-0-5' ]);
    await consumer.commit(0, 3);

    // Later than everything: the last offset by time is above the stored 3, so without isForce
    // the stored offsets stay...
    assert.ok(lastByTime.every(o => o > 3 && o <= 6), `offsets for a future time: ${lastByTime}`);
    res = await reset(topic, group, future, false);
    assert.equal(res.code, Code.SUCCESS, res.remark);
    push = await consumer.nextReset(2);
    assert.deepEqual(push.table, { 0: 3, 1: 3 });
    // ...and with isForce they are taken.
    res = await reset(topic, group, future, true);
    assert.equal(res.code, Code.SUCCESS, res.remark);
    push = await consumer.nextReset(3);
    assert.deepEqual(push.ext.isForce, 'false', 'Java never forwards isForce');
    assert.deepEqual(push.table, { 0: lastByTime[0], 1: lastByTime[1] });
    assert.deepEqual(await stored(group, topic), lastByTime);
    // timestamp -1: the max offsets.
    res = await reset(topic, group, -1, true);
    assert.equal(res.code, Code.SUCCESS, res.remark);
    push = await consumer.nextReset(4);
    assert.deepEqual(push.table, { 0: 6, 1: 6 });
    assert.deepEqual(await stored(group, topic), [ 6, 6 ]);
    // Back to the middle with isForce: 3.
    res = await reset(topic, group, mid, true);
    push = await consumer.nextReset(5);
    assert.deepEqual(push.table, { 0: 3, 1: 3 });
    assert.deepEqual(await stored(group, topic), [ 3, 3 ]);
    assert.equal(consumer.resets.length, 5, 'one push per request');
  });

  it('an admin request in the CPP language gets the ResetOffsetBodyForC list pushed', async () => {
    const topic = uniq('TResetC');
    const group = uniq('GResetC');
    await env.createTopic(topic, { queues: 2 });
    const mid = await fill(topic);
    const consumer = await RawConsumer.connect(env, group, topic);
    for (let q = 0; q < 2; q++) await consumer.consume(q);
    consumer.adopt = false;
    const res = await reset(topic, group, mid, false, { language: 'CPP' });
    assert.equal(res.code, Code.SUCCESS, res.remark);
    const push = await consumer.nextReset(1);
    // MessageQueueForC members in fastjson's order; the answer keeps the ResetOffsetBody map.
    assert.equal(push.raw, `{"offsetTable":[${[ 0, 1 ].map(q =>
      `{"brokerName":"${env.brokerName}","offset":3,"queueId":${q},"topic":"${topic}"}`).join(',')}]}`);
    assert.deepEqual(Object.values(r.parseFastjson(res.body.toString()).offsetTable), [ 3, 3 ]);
  });

  it('no live consumer -> CONSUMER_NOT_ONLINE; no stored offsets -> SYSTEM_ERROR; unknown topic; old client', async () => {
    const topic = uniq('TResetBad');
    const group = uniq('GResetBad');
    await env.createTopic(topic, { queues: 2 });
    const mid = await fill(topic);
    // A group that never committed anything on this topic.
    let res = await reset(topic, uniq('GNever'), mid, true);
    assert.equal(res.code, Code.SYSTEM_ERROR);
    assert.match(res.remark, /^THe consumer group <GNever_[^>]+> not exist$/);
    // Unknown topic.
    const noTopic = uniq('TNoSuch');
    res = await reset(noTopic, group, mid, true);
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, `[reset-offset] reset offset failed, no topic in this broker. topic=${noTopic}` ]);

    // Offsets stored, consumer gone.
    const consumer = await RawConsumer.connect(env, group, topic);
    for (let q = 0; q < 2; q++) await consumer.consume(q);
    await consumer.conn.close();
    await waitUntil(async () => (await reset(topic, group, mid, true)).code === CONSUMER_NOT_ONLINE, {
      timeoutMs: 5000, describe: 'the closed consumer leaves the group',
    });
    res = await reset(topic, group, mid, true);
    assert.deepEqual([ res.code, res.remark ],
      [ CONSUMER_NOT_ONLINE, `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: ${mid}` ]);
    assert.deepEqual(await stored(group, topic), [ 6, 6 ], 'nothing changed');

    // A client older than V3_0_7_SNAPSHOT (ordinal 28) cannot take the push.
    const old = await RawConsumer.connect(env, group, topic, { version: 27 });
    res = await reset(topic, group, mid, true);
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, 'the client does not support this feature. version=V3_0_6' ]);
    assert.equal(old.resets.length, 0);
    await old.conn.close();
  });

  it('an ali-ons consumer (which ignores the push): the reset is answered and pushed, nothing else changes', async () => {
    const topic = uniq('TResetOns');
    const group = uniq('GResetOns');
    await env.createTopic(topic, { queues: 2 });
    const mid = await fill(topic);
    const col = new Collector('ons');
    const consumer = await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);
    await col.waitFor(12);
    await waitUntil(async () => (await stored(group, topic)).every(o => o === 6), { describe: 'ali-ons committed 6/6' });

    const res = await reset(topic, group, mid, true);
    assert.equal(res.code, Code.SUCCESS, res.remark);
    assert.deepEqual(Object.values(r.parseFastjson(res.body.toString()).offsetTable), [ 3, 3 ]);
    // ali-ons 3.12 has no handler for RESET_CONSUMER_CLIENT_OFFSET (its MQClient never listens for
    // server requests), and the 4.9.8 broker does not reset its own table: ali-ons goes on from
    // its in-memory offsets, re-consumes nothing and keeps committing 6.
    await sleep(2500);
    assert.equal(col.count, 12, 'nothing re-consumed');
    assert.deepEqual(await stored(group, topic), [ 6, 6 ]);
    // It keeps consuming new messages normally.
    await env.sendRaw({ topic, queueId: 1, body: Buffer.from('after-reset') });
    await col.waitFor(13);
    assert.equal(col.messages[12].body.toString(), 'after-reset');
    // The way to reset an ali-ons group: stop it; the broker then answers CONSUMER_NOT_ONLINE and
    // the admin tool writes the offsets with UPDATE_CONSUMER_OFFSET itself (resetOffsetByTimeOld).
    await env.closeClient(consumer);
    await waitUntil(async () => (await reset(topic, group, mid, true)).code === CONSUMER_NOT_ONLINE, { timeoutMs: 10000 });
  });
});
