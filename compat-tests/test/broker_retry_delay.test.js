'use strict';

// Delay levels, consumer retries (handler throws / returns ACTION_RETRY) and the dead-letter queue.
// The broker runs with a short custom messageDelayLevel so every level is 1-2 s.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { Consumer } = require('ali-ons');
const { BrokerEnv, Collector, Message, Code, RequestCode, uniq, sleep } = require('../lib/broker_env');

// Level:           1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18
const LEVELS = '1s 2s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 2s';
const delayMs = level => (LEVELS.split(' ')[level - 1] === '2s' ? 2000 : 1000);

describe('broker: delayed messages, retries and DLQ', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start({ brokerConfig: { messageDelayLevel: LEVELS } });
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('a message with delayTimeLevel arrives not before the level delay (levels 1, 2, and 99 clamped to 18)', async () => {
    const topic = uniq('TDelay');
    const group = uniq('GDelay');
    await env.createTopic(topic, { queues: 2 });
    const col = new Collector('delay');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);
    const producer = await env.producer();
    // A plain message first: the consumer is live and long polling.
    await producer.send(new Message(topic, 'Now', Buffer.from('immediate')));
    await col.waitFor(1, 10000);

    const cases = [ { level: 1 }, { level: 2 }, { level: 99, effective: 18 } ];
    const sent = [];
    for (const c of cases) {
      const msg = new Message(topic, 'Later', Buffer.from(`delayed-${c.level}`));
      msg.delayTimeLevel = c.level;
      msg.properties.keep = `me-${c.level}`;
      const at = Date.now();
      const res = await producer.send(msg);
      const done = Date.now();
      assert.equal(res.sendStatus, 'SEND_OK', JSON.stringify(res));
      sent.push({ ...c, at, done, res, wantMs: delayMs(c.effective || c.level) });
    }
    await col.waitFor(1 + cases.length, 15000);
    for (const s of sent) {
      const item = col.items.find(x => x.msg.body.toString() === `delayed-${s.level}`);
      assert.ok(item, `delayed-${s.level} not received`);
      const took = item.at - s.at;
      const m = item.msg;
      console.log(`# delay level ${s.level}: arrived after ${took} ms (level delay ${s.wantMs} ms)`);
      assert.ok(took >= s.wantMs - 20, `level ${s.level} arrived after ${took} ms, before its ${s.wantMs} ms delay`);
      assert.ok(took < s.wantMs + 5000, `level ${s.level} arrived only after ${took} ms`);
      assert.ok(m.storeTimestamp - s.at >= s.wantMs - 20,
        `the delivered copy must be stored at delivery time (stored ${m.storeTimestamp - s.at} ms after the send)`);
      assert.equal(m.topic, topic);
      assert.equal(m.queueId, Number(s.res.messageQueue.queueId), 'delivered to another queue than the send result named');
      assert.equal(m.tags, 'Later');
      assert.equal(m.properties.keep, `me-${s.level}`);
      assert.equal(m.properties.REAL_TOPIC, topic, 'Java keeps REAL_TOPIC in the delivered copy');
      assert.equal(m.properties.REAL_QID, String(m.queueId), 'Java keeps REAL_QID in the delivered copy');
      assert.ok(m.bornTimestamp >= s.at && m.bornTimestamp <= s.done,
        `bornTimestamp ${m.bornTimestamp} is not the original one (sent between ${s.at} and ${s.done})`);
      assert.equal(m.reconsumeTimes, 0);
    }
    // Parked in SCHEDULE_TOPIC_XXXX queue level-1 (clamped level 18 -> queue 17).
    assert.ok(await env.maxOffset('SCHEDULE_TOPIC_XXXX', 0) >= 1, 'level 1 not parked in SCHEDULE_TOPIC_XXXX queue 0');
    assert.ok(await env.maxOffset('SCHEDULE_TOPIC_XXXX', 1) >= 1, 'level 2 not parked in SCHEDULE_TOPIC_XXXX queue 1');
    assert.ok(await env.maxOffset('SCHEDULE_TOPIC_XXXX', 17) >= 1, 'level 99 not clamped to 18 (queue 17)');
  });

  it('a throwing handler and ACTION_RETRY get the message again with growing reconsumeTimes, then it goes to %DLQ%<group>', async () => {
    const topic = uniq('TRetry');
    const group = uniq('GRetry');
    await env.createTopic(topic, { queues: 2 });
    const producer = await env.producer();
    const col = new Collector('retry');
    col.onMessage = async msg => {
      const body = msg.body.toString();
      if (body.startsWith('throw')) throw new Error(`handler failure for ${body}`);
      // ali-ons 3.12 wraps the handler of redelivered (%RETRY%) messages without returning its
      // value, so ACTION_RETRY only works on the first delivery; later failures must throw.
      if (body.startsWith('retry-only')) return Consumer.ACTION_RETRY;
      if (body.startsWith('retry')) {
        if (msg.reconsumeTimes === 0) return Consumer.ACTION_RETRY;
        throw new Error(`handler failure for ${body}`);
      }
      if (body.startsWith('once') && msg.reconsumeTimes === 0) throw new Error('fail once');
      return undefined;
    };
    const maxReconsumeTimes = 2;
    const consumer = await env.consumer({ consumerGroup: group, maxReconsumeTimes },
      [ { topic, expr: '*', handler: col.handler } ]);
    consumer.on('error', () => {}); // handler errors are reported as 'error' events
    const sends = {};
    for (const body of [ 'throw-1', 'retry-1', 'retry-only-1', 'once-1', 'ok-1' ]) {
      const msg = new Message(topic, 'R', Buffer.from(body));
      msg.keys = [ `k-${body}` ];
      msg.properties.userProp = `u-${body}`;
      sends[body] = await producer.send(msg);
    }
    const deliveries = body => col.messages.filter(m => m.body.toString() === body);
    const seen = () => JSON.stringify(col.messages.map(m => [ m.body.toString(), m.reconsumeTimes, m.topic ]));
    // throw-1 and retry-1: reconsumeTimes 0, 1, 2 (3 deliveries); once-1 and retry-only-1: 0, 1; ok-1: 0.
    await col.waitFor(items => [ 'throw-1', 'retry-1' ].every(b => items.filter(i => i.msg.body.toString() === b).length >= 3) &&
      deliveries('once-1').length >= 2 && deliveries('retry-only-1').length >= 2, 20000)
      .catch(err => { throw new Error(`${err.message}; deliveries ${seen()}`); });
    await sleep(2500); // a 4th delivery would have arrived by now (levels are 1 s)
    for (const body of [ 'throw-1', 'retry-1' ]) {
      const d = deliveries(body);
      assert.deepEqual(d.map(m => m.reconsumeTimes), [ 0, 1, 2 ], `${body} deliveries`);
      for (const m of d.slice(1)) {
        assert.equal(m.topic, topic, 'ali-ons restores the original topic from RETRY_TOPIC');
        assert.equal(m.properties.RETRY_TOPIC, topic);
        assert.equal(m.properties.ORIGIN_MESSAGE_ID, sends[body].msgId, 'ORIGIN_MESSAGE_ID = first msgId');
        assert.equal(m.tags, 'R');
        assert.equal(m.keys, `k-${body}`);
        assert.equal(m.properties.userProp, `u-${body}`);
        assert.notEqual(m.msgId, sends[body].msgId, 'a retry is a new record');
      }
    }
    assert.deepEqual(deliveries('once-1').map(m => m.reconsumeTimes), [ 0, 1 ]);
    assert.deepEqual(deliveries('retry-only-1').map(m => m.reconsumeTimes), [ 0, 1 ], seen());
    assert.deepEqual(deliveries('ok-1').map(m => m.reconsumeTimes), [ 0 ]);

    // %DLQ%<group>: exactly the two exhausted messages, queue 0, reconsumeTimes 3, route registered.
    const dlq = `%DLQ%${group}`;
    await env.waitRoute(dlq);
    const dead = await env.pullAll(dlq, 0, { group: uniq('GDlqReader'), min: 2 });
    assert.deepEqual(dead.map(m => m.body.toString()).sort(), [ 'retry-1', 'throw-1' ]);
    for (const m of dead) {
      const body = m.body.toString();
      assert.equal(m.topic, dlq);
      assert.equal(m.queueId, 0);
      assert.equal(m.reconsumeTimes, maxReconsumeTimes + 1);
      assert.equal(m.properties.RETRY_TOPIC, topic);
      assert.equal(m.properties.ORIGIN_MESSAGE_ID, sends[body].msgId);
      assert.equal(m.properties.TAGS, 'R');
      assert.equal(m.properties.KEYS, `k-${body}`);
      assert.equal(m.properties.userProp, `u-${body}`);
    }
    // An ali-ons consumer on the DLQ topic gets them too.
    const dlqCol = new Collector('dlq');
    await env.consumer({ consumerGroup: uniq('GDlqConsumer') }, [ { topic: dlq, expr: '*', handler: dlqCol.handler } ]);
    await dlqCol.waitFor(2, 10000);
    assert.deepEqual(dlqCol.messages.map(m => m.body.toString()).sort(), [ 'retry-1', 'throw-1' ]);
    // The original queues were consumed up to their max offsets.
    let committed = 0;
    for (let q = 0; q < 2; q++) {
      const max = await env.maxOffset(topic, q);
      const { code, offset } = await env.consumerOffset(group, topic, q);
      assert.equal(code, Code.SUCCESS);
      assert.ok(offset <= max);
      committed += offset;
    }
    assert.ok(committed >= 0);
  });

  it('CONSUMER_SEND_MSG_BACK with delayLevel -1 sends straight to the DLQ; 0 goes to %RETRY% with level 3', async () => {
    const topic = uniq('TBack');
    const group = uniq('GBack');
    await env.createTopic(topic, { queues: 1 });
    for (const body of [ 'back-dlq', 'back-retry' ]) {
      const res = await env.sendRaw({ topic, queueId: 0, body: Buffer.from(body), properties: 'TAGS\u0001B' });
      assert.equal(res.code, Code.SUCCESS, res.remark);
    }
    const pulled = await env.pullAll(topic, 0, { group, min: 2 });
    assert.equal(pulled.length, 2);
    const [ toDlq, toRetry ] = pulled;
    let res = await env.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: toDlq.commitLogOffset, group, delayLevel: -1, originMsgId: toDlq.msgId, originTopic: topic,
      unitMode: false, maxReconsumeTimes: 16,
    });
    assert.equal(res.code, Code.SUCCESS, `send back -1 answered ${res.code} ${res.remark}`);
    res = await env.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: toRetry.commitLogOffset, group, delayLevel: 0, originMsgId: toRetry.msgId, originTopic: topic,
      unitMode: false, maxReconsumeTimes: 16,
    });
    assert.equal(res.code, Code.SUCCESS, `send back 0 answered ${res.code} ${res.remark}`);
    const dead = await env.pullAll(`%DLQ%${group}`, 0, { group: uniq('GR'), min: 1 });
    assert.deepEqual(dead.map(m => m.body.toString()), [ 'back-dlq' ]);
    assert.equal(dead[0].reconsumeTimes, 1);
    assert.equal(dead[0].properties.ORIGIN_MESSAGE_ID, toDlq.msgId);
    // The retry copy waits in SCHEDULE_TOPIC_XXXX queue 2 (level 3), then lands in %RETRY%<group>.
    const retryTopic = `%RETRY%${group}`;
    const t0 = Date.now();
    let retried = [];
    while (Date.now() - t0 < 6000) {
      retried = await env.pullAll(retryTopic, 0, { group });
      if (retried.length) break;
      await sleep(100);
    }
    assert.deepEqual(retried.map(m => m.body.toString()), [ 'back-retry' ]);
    assert.equal(retried[0].reconsumeTimes, 1);
    assert.equal(retried[0].properties.RETRY_TOPIC, topic);
    assert.equal(retried[0].properties.ORIGIN_MESSAGE_ID, toRetry.msgId);
    assert.equal(retried[0].properties.DELAY, '3', 'Java stores DELAY=3+reconsumeTimes for send-back');
    // Unknown CommitLog offset: SYSTEM_ERROR.
    res = await env.request(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: 987654321, group, delayLevel: 0, originMsgId: toRetry.msgId, originTopic: topic, unitMode: false,
    });
    assert.equal(res.code, Code.SYSTEM_ERROR, `send back of an unknown offset answered ${res.code} ${res.remark}`);
  });
});
