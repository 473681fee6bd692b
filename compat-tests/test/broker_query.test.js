'use strict';

// Message query on the real binaries with raw requests (ali-ons 3.12 has no query API):
// QUERY_MESSAGE (12) by key (KEYS tokens) and by unique key (UNIQ_KEY, extField _UNIQUE_KEY_QUERY as
// the Java client's MQAdminImpl sends it: captures scenario_query_by_key / scenario_view_by_id),
// VIEW_MESSAGE_BY_ID (33) with the CommitLog offset of a send's offset msgId. The response bodies
// are concatenated stored records, decoded here and compared with what was sent.
// Java 4.9.8 semantics: shared/protocol/semantics.md section 15.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { BrokerEnv, Code, uniq, waitUntil, sleep, decodeRecords, encodeProperties } = require('../lib/broker_env');

const QUERY_MESSAGE = 12;
const VIEW_MESSAGE_BY_ID = 33;
const LONG_MAX = '9223372036854775807';

function offsetOfMsgId(id) {
  return Number(BigInt(`0x${id.slice(-16)}`));
}

function uniqKey() {
  return crypto.randomBytes(16).toString('hex').toUpperCase();
}

describe('broker: QUERY_MESSAGE and VIEW_MESSAGE_BY_ID', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  async function send(topic, queueId, { keys, uk = uniqKey(), tag = 'TagQ', body, extra = {} }) {
    const props = { ...extra, KEYS: keys, UNIQ_KEY: uk, WAIT: 'true', TAGS: tag };
    const res = await env.sendRaw({ topic, queueId, body: Buffer.from(body), properties: encodeProperties(props) });
    assert.equal(res.code, Code.SUCCESS, `send ${res.code} ${res.remark}`);
    return { topic, queueId, keys, uk, tag, body, msgId: res.extFields.msgId, offset: offsetOfMsgId(res.extFields.msgId),
      queueOffset: Number(res.extFields.queueOffset) };
  }

  async function query(ext) {
    const res = await env.request(QUERY_MESSAGE, ext);
    return { res, code: res.code, remark: res.remark, ext: res.extFields, msgs: res.code === Code.SUCCESS ? decodeRecords(res.body) : [] };
  }

  function assertSame(rec, sent) {
    const what = `${sent.body}: ${rec.propertiesString}`;
    assert.equal(rec.topic, sent.topic, what);
    assert.equal(rec.queueId, sent.queueId, what);
    assert.equal(rec.queueOffset, sent.queueOffset, what);
    assert.equal(rec.commitLogOffset, sent.offset, what);
    assert.equal(rec.msgId, sent.msgId, what);
    assert.equal(rec.body.toString(), sent.body, what);
    assert.equal(rec.keys, sent.keys, what);
    assert.equal(rec.tags, sent.tag, what);
    assert.equal(rec.properties.UNIQ_KEY, sent.uk, what);
    assert.equal(rec.trailing, 0);
  }

  it('by key: every match in commit log order, per topic, maxNum and time range respected', async () => {
    const topic = uniq('TQuery');
    const other = uniq('TQueryOther');
    await env.createTopic(topic, { queues: 4 });
    await env.createTopic(other, { queues: 1 });
    const run = uniq('QK');
    const all = `QKALL_${run}`;
    const groupA = [];
    const groupB = [];
    for (let i = 0; i < 3; i++) groupA.push(await send(topic, i % 4, { keys: `QK_${run}_${i} ${all}`, body: `query-${i}` }));
    // The index keeps store times in whole seconds from the index file's start: 2.5 s apart makes
    // the two groups distinguishable by a time range.
    await sleep(2500);
    for (let i = 3; i < 6; i++) groupB.push(await send(topic, i % 4, { keys: `QK_${run}_${i} ${all}`, body: `query-${i}` }));
    const sent = [ ...groupA, ...groupB ];
    // Same key in another topic: not part of this topic's answers.
    const foreign = await send(other, 0, { keys: all, body: 'other topic' });

    const begin = Date.now() - 60000;
    const end = Date.now() + 60000;
    // The newest indexed message is the foreign one, once the dispatcher got to it.
    await waitUntil(async () => (await query({ topic: other, key: all, maxNum: 32, beginTimestamp: begin, endTimestamp: end })).msgs.length === 1,
      { describe: 'the foreign-topic message indexed' });
    // The index is built by the store's dispatcher after the send is answered: wait for it.
    let q = await waitUntil(async () => {
      const a = await query({ topic, key: all, maxNum: 32, beginTimestamp: begin, endTimestamp: end, _UNIQUE_KEY_QUERY: false });
      return a.msgs.length === sent.length ? a : null;
    }, { describe: `all ${sent.length} messages of ${all}` });
    assert.equal(q.code, Code.SUCCESS);
    q.msgs.forEach((m, i) => assertSame(m, sent[i]));
    const stored = await env.request(VIEW_MESSAGE_BY_ID, { offset: foreign.offset });
    const lastIndexed = decodeRecords(stored.body)[0];
    // indexLastUpdate*: where the index stood (its newest entry: the foreign-topic message).
    assert.equal(Number(q.ext.indexLastUpdatePhyoffset), foreign.offset, JSON.stringify(q.ext));
    assert.equal(Number(q.ext.indexLastUpdateTimestamp), lastIndexed.storeTimestamp, JSON.stringify(q.ext));

    // One token of KEYS.
    q = await query({ topic, key: `QK_${run}_3`, maxNum: 32, beginTimestamp: begin, endTimestamp: end });
    assert.equal(q.msgs.length, 1);
    assertSame(q.msgs[0], sent[3]);
    q = await query({ topic: other, key: all, maxNum: 32, beginTimestamp: begin, endTimestamp: end });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), [ 'other topic' ]);

    // maxNum: the newest maxNum entries (the index chain is walked from the newest), sorted.
    q = await query({ topic, key: all, maxNum: 2, beginTimestamp: begin, endTimestamp: end });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), [ 'query-4', 'query-5' ]);

    // Time range: only group B, only group A.
    const tsA = (await Promise.all(groupA.map(async s => decodeRecords((await env.request(VIEW_MESSAGE_BY_ID, { offset: s.offset })).body)[0].storeTimestamp)));
    const tsB = (await Promise.all(groupB.map(async s => decodeRecords((await env.request(VIEW_MESSAGE_BY_ID, { offset: s.offset })).body)[0].storeTimestamp)));
    assert.ok(tsB[0] - tsA[2] >= 2000, `groups apart: ${tsA} / ${tsB}`);
    q = await query({ topic, key: all, maxNum: 32, beginTimestamp: tsB[0] - 1100, endTimestamp: end });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), groupB.map(s => s.body), 'from group B on');
    q = await query({ topic, key: all, maxNum: 32, beginTimestamp: begin, endTimestamp: tsA[2] });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), groupA.map(s => s.body), 'up to group A');

    // Nothing in range / unknown key: QUERY_NOT_FOUND with Java's remark and zero index fields.
    for (const ext of [
      { topic, key: all, maxNum: 32, beginTimestamp: begin - 60000, endTimestamp: begin },
      { topic, key: `NO_SUCH_KEY_${run}`, maxNum: 32, beginTimestamp: begin, endTimestamp: end, _UNIQUE_KEY_QUERY: false },
      { topic: uniq('TNoSuchTopic'), key: all, maxNum: 32, beginTimestamp: begin, endTimestamp: end },
    ]) {
      q = await query(ext);
      assert.deepEqual([ q.code, q.remark ], [ Code.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct' ], JSON.stringify(ext));
      assert.deepEqual([ q.ext.indexLastUpdatePhyoffset, q.ext.indexLastUpdateTimestamp ], [ '0', '0' ], JSON.stringify(q.ext));
      assert.equal(q.res.body.length, 0);
    }
  });

  it('by unique key as the Java client asks (_UNIQUE_KEY_QUERY, end = Long.MAX_VALUE); maxNum then ignored', async () => {
    const topic = uniq('TQueryUniq');
    await env.createTopic(topic, { queues: 2 });
    const first = await send(topic, 1, { keys: 'VK1', body: 'view-by-id body', extra: { vprop: 'v1' } });
    // The same UNIQ_KEY sent again (a client retry stores a second copy).
    const again = await send(topic, 0, { keys: 'VK1', uk: first.uk, body: 'view-by-id body again' });
    const begin = Date.now() - 5000;
    let q = await waitUntil(async () => {
      const a = await query({ _UNIQUE_KEY_QUERY: true, beginTimestamp: begin, topic, maxNum: 32, endTimestamp: LONG_MAX, key: first.uk });
      return a.msgs.length === 2 ? a : null;
    }, { describe: 'both copies by unique key' });
    assertSame(q.msgs[0], first);
    assertSame(q.msgs[1], again);
    assert.equal(q.msgs[0].properties.vprop, 'v1');
    // _UNIQUE_KEY_QUERY=true: the broker uses defaultQueryMaxNum (32) whatever maxNum says...
    q = await query({ _UNIQUE_KEY_QUERY: true, beginTimestamp: begin, topic, maxNum: 1, endTimestamp: LONG_MAX, key: first.uk });
    assert.equal(q.msgs.length, 2, 'unique-key query ignores maxNum');
    // ...and without it maxNum applies.
    q = await query({ _UNIQUE_KEY_QUERY: false, beginTimestamp: begin, topic, maxNum: 1, endTimestamp: LONG_MAX, key: first.uk });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), [ 'view-by-id body again' ]);
    q = await query({ _UNIQUE_KEY_QUERY: true, beginTimestamp: begin, topic, maxNum: 32, endTimestamp: LONG_MAX, key: uniqKey() });
    assert.equal(q.code, Code.QUERY_NOT_FOUND);
  });

  it('maxNum is capped at maxMsgsNumBatch (64); a unique-key query returns defaultQueryMaxNum (32)', async () => {
    const topic = uniq('TQueryCap');
    await env.createTopic(topic, { queues: 1 });
    const key = uniq('CAP');
    const uk = uniqKey();
    const N = 70;
    const sent = [];
    for (let i = 0; i < N; i++) sent.push(await send(topic, 0, { keys: key, uk, body: `cap-${i}` }));
    const begin = Date.now() - 60000;
    const newest = n => sent.slice(N - n).map(s => s.body);
    let q = await waitUntil(async () => {
      const a = await query({ topic, key, maxNum: 1000, beginTimestamp: begin, endTimestamp: LONG_MAX });
      return a.msgs.length > 0 && a.msgs[a.msgs.length - 1].body.toString() === `cap-${N - 1}` ? a : null;
    }, { describe: 'the last message indexed' });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), newest(64), 'maxNum 1000 -> the newest 64');
    q = await query({ topic, key: uk, maxNum: 50, beginTimestamp: begin, endTimestamp: LONG_MAX, _UNIQUE_KEY_QUERY: false });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), newest(50));
    q = await query({ topic, key: uk, maxNum: 50, beginTimestamp: begin, endTimestamp: LONG_MAX, _UNIQUE_KEY_QUERY: true });
    assert.deepEqual(q.msgs.map(m => m.body.toString()), newest(32), 'unique-key query: defaultQueryMaxNum');
  });

  it('VIEW_MESSAGE_BY_ID with the offset of the send response msgId; an offset with no record -> SYSTEM_ERROR', async () => {
    const topic = uniq('TView');
    await env.createTopic(topic, { queues: 4 });
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await send(topic, 3 - i, { keys: `VK_${i}`, body: `view-${i}`, extra: { vprop: `v${i}` } }));
    for (const s of sent) {
      const res = await env.request(VIEW_MESSAGE_BY_ID, { offset: s.offset });
      assert.equal(res.code, Code.SUCCESS, `${res.code} ${res.remark}`);
      assert.deepEqual(res.extFields, {}, 'Java answers without extFields');
      const recs = decodeRecords(res.body);
      assert.equal(recs.length, 1, 'exactly one record');
      assertSame(recs[0], s);
      assert.equal(recs[0].properties.vprop, `v${s.keys.slice(3)}`);
    }
    const beyond = sent[3].offset + 1e9;
    const res = await env.request(VIEW_MESSAGE_BY_ID, { offset: beyond });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, `can not find message by the offset, ${beyond}` ]);
    assert.equal(res.body.length, 0);
  });

  it('after a broker restart the index answers the same queries (IndexFile kept on disk)', async () => {
    const topic = uniq('TQueryRestart');
    await env.createTopic(topic, { queues: 2 });
    const key = uniq('RK');
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await send(topic, i % 2, { keys: `${key} ${key}_${i}`, body: `restart-${i}` }));
    const begin = Date.now() - 60000;
    const ask = k => query({ topic, key: k, maxNum: 32, beginTimestamp: begin, endTimestamp: LONG_MAX });
    await waitUntil(async () => (await ask(key)).msgs.length === 5, { describe: 'indexed before the restart' });
    const exit = await env.stopBroker();
    assert.equal(exit.code, 0);
    await env.startBrokerAgain();
    const q = await ask(key);
    assert.equal(q.code, Code.SUCCESS, q.remark);
    q.msgs.forEach((m, i) => assertSame(m, sent[i]));
    assertSame((await ask(`${key}_3`)).msgs[0], sent[3]);
    const uq = await query({ _UNIQUE_KEY_QUERY: true, topic, key: sent[4].uk, maxNum: 32, beginTimestamp: begin, endTimestamp: LONG_MAX });
    assert.equal(uq.msgs.length, 1);
    assertSame(uq.msgs[0], sent[4]);
    const res = await env.request(VIEW_MESSAGE_BY_ID, { offset: sent[2].offset });
    assertSame(decodeRecords(res.body)[0], sent[2]);
  });
});
