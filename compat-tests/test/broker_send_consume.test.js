'use strict';

// ali-ons Producer/Consumer against mqbroker: every message field ali-ons exposes, 1,000+ messages
// exactly once, tag filters, compressed bodies (> 4 KiB) and unknown topics.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { BrokerEnv, Collector, Message, Code, uniq, waitUntil, sleep } = require('../lib/broker_env');

describe('broker: send and consume through ali-ons', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('delivers tags, keys, user properties, body, msgId, queue id/offset, timestamps and reconsumeTimes intact', async () => {
    const topic = uniq('TFields');
    const group = uniq('GFields');
    await env.createTopic(topic, { queues: 4 });
    const producer = await env.producer();

    const N = 12;
    const sent = [];
    for (let i = 0; i < N; i++) {
      const msg = new Message(topic, i % 2 ? 'TagOdd' : 'TagEven', Buffer.from(`fields-body-${i}-ünïcødé`));
      msg.keys = [ `key-${i}`, `alt-${i}` ];
      msg.properties.color = i % 3 === 0 ? 'red' : 'blue';
      msg.properties['prop-é'] = `välue-${i}-é`;
      msg.properties.num = String(i);
      msg.flag = 40 + i;
      const userProps = { color: msg.properties.color, 'prop-é': msg.properties['prop-é'], num: String(i) };
      const before = Date.now();
      const res = await producer.send(msg);
      const after = Date.now();
      assert.equal(res.sendStatus, 'SEND_OK', JSON.stringify(res));
      assert.match(res.msgId, /^[0-9A-F]{32}$/, `send msgId ${res.msgId} is not an IPv4 offset msgId`);
      assert.equal(res.messageQueue.topic, topic);
      // extFields values are strings on the wire (Java too), so ali-ons reports queueId as a string.
      const queueId = Number(res.messageQueue.queueId);
      assert.ok(queueId >= 0 && queueId < 4, JSON.stringify(res));
      sent.push({ i, res, queueId, before, after, userProps, tags: msg.tags, keys: `key-${i} alt-${i}`, flag: 40 + i });
    }
    // ali-ons selects queues round-robin; offsets per queue must be consecutive from 0.
    const perQueue = new Map();
    for (const s of sent) {
      const q = s.queueId;
      if (!perQueue.has(q)) perQueue.set(q, []);
      perQueue.get(q).push(s.res.queueOffset);
    }
    assert.equal(perQueue.size, 4, `round robin over 4 queues expected, got ${JSON.stringify([ ...perQueue ])}`);
    for (const [ q, offs ] of perQueue) {
      assert.deepEqual(offs, offs.map((_, k) => k), `queue ${q} offsets ${offs}`);
    }

    const col = new Collector('fields');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);
    await col.waitFor(N, 20000);
    await sleep(300); // nothing more may arrive
    assert.equal(col.count, N, `received ${col.count}, sent ${N}`);

    const byBody = new Map(col.items.map(it => [ it.msg.body.toString(), it ]));
    for (const s of sent) {
      const item = byBody.get(`fields-body-${s.i}-ünïcødé`);
      assert.ok(item, `message ${s.i} not received`);
      const m = item.msg;
      const ctx = `message ${s.i}: ${JSON.stringify({ ...m, body: m.body.toString() })}`;
      assert.equal(m.topic, topic, ctx);
      assert.equal(m.tags, s.tags, ctx);
      assert.equal(m.keys, s.keys, ctx);
      for (const [ k, v ] of Object.entries(s.userProps)) assert.equal(m.properties[k], v, `property ${k}: ${ctx}`);
      assert.equal(m.properties.TAGS, s.tags, ctx);
      assert.equal(m.properties.KEYS, s.keys, ctx);
      assert.equal(m.properties.CLUSTER, env.clusterName, `broker must add CLUSTER: ${ctx}`);
      assert.equal(m.properties.WAIT, undefined, `WAIT must not be stored: ${ctx}`);
      assert.equal(m.msgId, s.res.msgId, `msgId differs from the send result: ${ctx}`);
      assert.equal(m.queueId, s.queueId, ctx);
      assert.equal(m.queueOffset, s.res.queueOffset, ctx);
      assert.equal(m.flag, s.flag, ctx);
      assert.equal(m.reconsumeTimes, 0, ctx);
      assert.ok(m.bornTimestamp >= s.before && m.bornTimestamp <= s.after,
        `bornTimestamp ${m.bornTimestamp} not in [${s.before}, ${s.after}]: ${ctx}`);
      assert.ok(m.storeTimestamp >= s.before - 5 && m.storeTimestamp <= item.at + 5,
        `storeTimestamp ${m.storeTimestamp} not in [${s.before}, ${item.at}]: ${ctx}`);
      assert.ok(m.storeTimestamp >= m.bornTimestamp - 5, ctx);
      assert.equal(m.storeHost, env.brokerAddr, ctx);
      assert.match(m.bornHost, /^127\.0\.0\.1:\d+$/, ctx);
      assert.equal(m.preparedTransactionOffset, 0, ctx);
      assert.equal(m.sysFlag, 0, ctx);
      assert.ok(m.storeSize > 91, ctx);
    }

    // The same records through a raw pull: record layout, BODYCRC, no trailing bytes.
    const q0 = sent.filter(s => s.queueId === 0);
    const raw = await env.pull({ group: uniq('GRaw'), topic, queueId: 0, offset: 0 });
    assert.equal(raw.code, Code.SUCCESS, raw.remark);
    assert.equal(raw.messages.length, q0.length);
    assert.equal(raw.nextBeginOffset, q0.length);
    assert.equal(raw.maxOffset, q0.length);
    assert.equal(raw.minOffset, 0);
    for (const m of raw.messages) {
      assert.equal(m.trailing, 0, 'record TOTALSIZE does not match its fields');
      assert.equal(m.bodyCRC, r.crc32(m.rawBody) & 0x7fffffff, 'BODYCRC');
      assert.equal(m.magic, -626843481, `MAGICCODE ${m.magic.toString(16)}`); // 0xDAA320A7
    }
  });

  it('delivers 1,200 messages exactly once (tracked by body and key)', async () => {
    const topic = uniq('TBulk');
    const group = uniq('GBulk');
    await env.createTopic(topic, { queues: 4 });
    const producer = await env.producer();
    const col = new Collector('bulk');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);

    const N = 1200;
    const t0 = Date.now();
    // 8 concurrent senders.
    let next = 0;
    const sendOne = async () => {
      while (next < N) {
        const i = next++;
        const msg = new Message(topic, 'Bulk', Buffer.from(`bulk-${i}`));
        msg.keys = [ `bulk-key-${i}` ];
        const res = await producer.send(msg);
        assert.equal(res.sendStatus, 'SEND_OK');
      }
    };
    await Promise.all(Array.from({ length: 8 }, sendOne));
    const sendMs = Date.now() - t0;
    await col.waitFor(N, 60000);
    await sleep(500);
    const recvMs = Date.now() - t0;
    const byBody = col.tally(m => m.body.toString());
    const byKey = col.tally(m => m.keys);
    assert.equal(byBody.dups.length, 0, `duplicates: ${JSON.stringify(byBody.dups.slice(0, 10))}`);
    assert.equal(byKey.dups.length, 0, `duplicate keys: ${JSON.stringify(byKey.dups.slice(0, 10))}`);
    assert.equal(col.count, N);
    for (let i = 0; i < N; i++) {
      assert.ok(byBody.map.has(`bulk-${i}`), `bulk-${i} missing`);
      assert.ok(byKey.map.has(`bulk-key-${i}`), `bulk-key-${i} missing`);
    }
    // Every queue's offsets are 0..max-1 without gaps.
    const offs = new Map();
    for (const m of col.messages) {
      if (!offs.has(m.queueId)) offs.set(m.queueId, []);
      offs.get(m.queueId).push(m.queueOffset);
    }
    let total = 0;
    for (const [ q, list ] of offs) {
      list.sort((a, b) => a - b);
      const max = await env.maxOffset(topic, q);
      assert.equal(list.length, max, `queue ${q}: ${list.length} received, max offset ${max}`);
      assert.deepEqual(list, list.map((_, k) => k), `queue ${q} has gaps`);
      total += max;
    }
    assert.equal(total, N);
    console.log(`# bulk: ${N} sent in ${sendMs} ms, all received after ${recvMs} ms`);
  });

  it("filters by tag: 'TagA || TagC' receives only TagA and TagC", async () => {
    const topic = uniq('TTags');
    const group = uniq('GTags');
    await env.createTopic(topic, { queues: 2 });
    const producer = await env.producer();
    const col = new Collector('tags');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: 'TagA || TagC', handler: col.handler } ]);
    const all = new Collector('tags-all');
    await env.consumer({ consumerGroup: uniq('GTagsAll') }, [ { topic, expr: '*', handler: all.handler } ]);

    const tags = [ 'TagA', 'TagB', 'TagC', 'TagD', 'TagAB', 'taga' ];
    const expected = [];
    let n = 0;
    for (let round = 0; round < 5; round++) {
      for (const tag of tags) {
        const body = `tag-${tag}-${round}`;
        await producer.send(new Message(topic, tag, Buffer.from(body)));
        if (tag === 'TagA' || tag === 'TagC') expected.push(body);
        n++;
      }
    }
    // A message without tags must not reach a tag subscription either.
    await producer.send(new Message(topic, Buffer.from('no-tag')));
    n++;
    await all.waitFor(n, 20000);
    await col.waitFor(expected.length, 20000);
    await sleep(500);
    const got = col.messages.map(m => m.body.toString()).sort();
    assert.deepEqual(got, expected.slice().sort());
    assert.ok(col.messages.every(m => m.tags === 'TagA' || m.tags === 'TagC'));
    assert.equal(all.count, n);

    // The broker itself filters by tag hash (a raw pull with subscription 'TagB').
    const msgs = [];
    for (let q = 0; q < 2; q++) msgs.push(...await env.pullAll(topic, q, { group: uniq('GRawTag'), subscription: 'TagB' }));
    assert.deepEqual(msgs.map(m => m.tags).sort(), Array(5).fill('TagB'),
      `raw pull with subscription TagB returned tags ${JSON.stringify(msgs.map(m => m.tags))}`);
  });

  it('delivers compressed bodies (> 4 KiB, compressed by ali-ons) intact', async () => {
    const topic = uniq('TZip');
    const group = uniq('GZip');
    await env.createTopic(topic, { queues: 2 });
    const producer = await env.producer();
    const sizes = [ 4095, 4096, 5000, 64 * 1024, 300 * 1024, 1024 * 1024 ];
    const bodies = sizes.map((size, k) => {
      const b = Buffer.alloc(size);
      // Half random (incompressible), half repetitive.
      for (let i = 0; i < size; i++) b[i] = i < size / 2 ? (Math.random() * 256) | 0 : 65 + ((i + k) % 7);
      return b;
    });
    const results = [];
    for (const body of bodies) {
      const res = await producer.send(new Message(topic, 'Zip', Buffer.from(body)));
      assert.equal(res.sendStatus, 'SEND_OK');
      results.push(res);
    }
    const col = new Collector('zip');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);
    await col.waitFor(bodies.length, 20000);
    await sleep(200);
    assert.equal(col.count, bodies.length);
    for (let k = 0; k < bodies.length; k++) {
      const m = col.messages.find(x => x.msgId === results[k].msgId);
      assert.ok(m, `body of ${sizes[k]} bytes not received`);
      assert.equal(m.body.length, sizes[k]);
      assert.ok(m.body.equals(bodies[k]), `body of ${sizes[k]} bytes differs`);
      assert.equal(m.sysFlag & 1, sizes[k] >= 4096 ? 1 : 0, `sysFlag ${m.sysFlag} for ${sizes[k]} bytes`);
    }
    // Stored as sent: the raw record carries the zlib bytes, BODYCRC over them.
    const raw = [];
    for (let q = 0; q < 2; q++) raw.push(...await env.pullAll(topic, q));
    for (const m of raw) {
      const k = results.findIndex(x => x.msgId === m.msgId);
      assert.ok(k >= 0);
      if (sizes[k] >= 4096) {
        assert.ok(m.rawBody.length < sizes[k], 'stored body is not the compressed one');
        assert.equal(m.rawBody[0], 0x78, 'stored body is not a zlib stream');
      }
      assert.ok(m.body.equals(bodies[k]));
      assert.equal(m.bodyCRC, r.crc32(m.rawBody) & 0x7fffffff);
    }
  });

  it('unknown topics: ali-ons send fails with TOPIC_NOT_EXIST, a pull gets 17, nothing is auto-created by the pull', async () => {
    const topic = uniq('TNever');
    const producer = await env.producer();
    await assert.rejects(producer.send(new Message(topic, 'x', Buffer.from('lost'))), err => {
      assert.equal(err.name, 'MQClientException', err.stack);
      assert.equal(err.code, Code.TOPIC_NOT_EXIST, `code ${err.code}: ${err.message}`);
      return true;
    });
    const res = await env.pull({ group: uniq('GNever'), topic, queueId: 0, offset: 0 });
    assert.equal(res.code, Code.TOPIC_NOT_EXIST, `pull of an unknown topic answered ${res.code} ${res.remark}`);
    assert.match(res.remark || '', /not exist/);
    const again = await env.pull({ group: uniq('GNever'), topic, queueId: 0, offset: 0 });
    assert.equal(again.code, Code.TOPIC_NOT_EXIST);
    // Sending raw with a template topic that does not exist: 17 from the broker itself.
    const send = await env.sendRaw({ topic, defaultTopic: uniq('NoTemplate'), body: Buffer.from('x') });
    assert.equal(send.code, Code.TOPIC_NOT_EXIST, `send with a missing template answered ${send.code} ${send.remark}`);
    assert.match(send.remark || '', /not exist/);
    // The route still does not exist.
    const conn = await env.nsConn();
    const route = await r.getRouteInfo(conn, topic);
    assert.equal(route.response.code, Code.TOPIC_NOT_EXIST);
    // GET_MAX_OFFSET of an unknown topic answers 0 (broker-requests.md 5.4).
    assert.equal(await env.maxOffset(topic, 0), 0);
    await waitUntil(() => env.broker.running, { timeoutMs: 100 });
  });
});
