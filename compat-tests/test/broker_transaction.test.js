'use strict';

// Transactional messages end to end on the real binaries, with a transaction producer of our own
// (ali-ons 3.12 has none): HEART_BEAT (34) registers the producer group on the connection that
// then receives CHECK_TRANSACTION_STATE (39, broker -> client, oneway); half messages are
// SEND_MESSAGE_V2 (310) with sysFlag TRANSACTION_PREPARED_TYPE (4) and the properties TRAN_MSG=true
// and PGROUP (as the Java client sends them, capture scenario_transaction); END_TRANSACTION (37)
// commits (8), rolls back (12) or leaves unknown (0). What is delivered is read back with raw pulls
// and an ali-ons consumer. Java 4.9.8 semantics: shared/protocol/semantics.md section 8.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const r = require('../lib/remoting');
const {
  BrokerEnv, Collector, Code, RequestCode, uniq, waitUntil, sleep, decodeRecords, encodeProperties, sendRequestV2,
} = require('../lib/broker_env');

const END_TRANSACTION = 37;
const CHECK_TRANSACTION_STATE = 39;
const VIEW_MESSAGE_BY_ID = 33;
const Tx = Object.freeze({ NOT: 0, PREPARED: 4, COMMIT: 8, ROLLBACK: 12 });
const HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
const DISCARD_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';

// Short check periods (Java BrokerConfig keys; defaults 60 s / 6 s / 15).
const CHECK_INTERVAL = 1000;
const TX_TIMEOUT = 1000;
const CHECK_MAX = 3;

let uniqSeq = 0;
/** A UNIQ_KEY shaped like the Java client's (16 bytes, upper-case hex). */
function uniqKey() {
  const b = crypto.randomBytes(16);
  b.writeUInt16BE(uniqSeq++ & 0xffff, 14);
  return b.toString('hex').toUpperCase();
}

/** CommitLog offset inside an offset msgId (last 8 bytes). */
function offsetOfMsgId(id) {
  return Number(BigInt(`0x${id.slice(-16)}`));
}

/**
 * A transaction producer on one connection: registers its group by heartbeat and answers the
 * broker's check-backs with policy(check) -> 'commit' | 'rollback' | 'unknown' | 'silent'.
 */
class TxProducer {
  static async connect(env, group, policy = () => 'silent') {
    const p = new TxProducer(await env.connect({ timeoutMs: 5000 }), group, policy);
    await p.heartbeat();
    return p;
  }

  constructor(conn, group, policy) {
    this.conn = conn;
    this.group = group;
    this.policy = policy;
    this.clientId = `127.0.0.1@${uniq('txp')}`;
    this.checks = []; // { ext, msg, at, answer, request }
    this.ends = []; // END_TRANSACTION frames we sent for check-backs
    conn.on('request', cmd => this._onRequest(cmd));
  }

  async heartbeat() {
    const body = { clientID: this.clientId, consumerDataSet: [], producerDataSet: [ { groupName: this.group } ] };
    const res = await this.conn.request(r.createRequest(RequestCode.HEART_BEAT, undefined, { body }));
    assert.equal(res.code, Code.SUCCESS, `HEART_BEAT ${res.code} ${res.remark}`);
  }

  /** SEND_MESSAGE_V2 of a half message; returns what the Java client keeps of the answer. */
  async sendHalf({ topic, queueId = 0, body, tag = 'TagTx', key, bornTimestamp = Date.now(), props = {} }) {
    const uk = uniqKey();
    const properties = encodeProperties({
      ...props, KEYS: key, TRAN_MSG: 'true', UNIQ_KEY: uk, WAIT: 'true', PGROUP: this.group, TAGS: tag,
    });
    const req = sendRequestV2({ producerGroup: this.group, topic, queueId, sysFlag: Tx.PREPARED, bornTimestamp, properties,
      body: Buffer.from(body) });
    const res = await this.conn.request(req);
    assert.equal(res.code, Code.SUCCESS, `half send ${res.code} ${res.remark}`);
    return {
      topic, queueId, body, tag, key, uniqKey: uk, bornTimestamp,
      res,
      msgId: res.extFields.msgId,
      commitLogOffset: offsetOfMsgId(res.extFields.msgId),
      queueOffset: Number(res.extFields.queueOffset),
    };
  }

  endRequest(ref, type, extra = {}) {
    return r.createRequest(END_TRANSACTION, {
      producerGroup: this.group,
      tranStateTableOffset: ref.tranStateTableOffset,
      commitLogOffset: ref.commitLogOffset,
      commitOrRollback: type,
      msgId: ref.msgId,
      fromTransactionCheck: !!extra.fromTransactionCheck,
      ...(ref.transactionId ? { transactionId: ref.transactionId } : {}),
      ...extra.ext,
    });
  }

  /** END_TRANSACTION for a half message sent by sendHalf (two-way unless oneway). */
  end(half, type, { oneway = false, ext } = {}) {
    const ref = { tranStateTableOffset: half.queueOffset, commitLogOffset: half.commitLogOffset, msgId: half.uniqKey };
    const req = this.endRequest(ref, type, { ext });
    if (oneway) return this.conn.oneway(req);
    return this.conn.request(req);
  }

  checksOf(uk) {
    return this.checks.filter(c => c.ext.msgId === uk);
  }

  _onRequest(cmd) {
    if (cmd.code !== CHECK_TRANSACTION_STATE) return;
    const [ msg ] = decodeRecords(cmd.body);
    const check = { ext: cmd.extFields, msg, at: Date.now(), request: cmd };
    check.answer = this.policy(check);
    this.checks.push(check);
    if (check.answer === 'silent') return;
    // The Java client answers every check-back with a oneway END_TRANSACTION (0 for unknown).
    const type = { commit: Tx.COMMIT, rollback: Tx.ROLLBACK, unknown: Tx.NOT }[check.answer];
    const req = this.endRequest({
      tranStateTableOffset: cmd.extFields.tranStateTableOffset,
      commitLogOffset: cmd.extFields.commitLogOffset,
      msgId: cmd.extFields.msgId,
      transactionId: cmd.extFields.transactionId,
    }, type, { fromTransactionCheck: true });
    this.ends.push(req);
    if (!this.conn.closed) this.conn.oneway(req);
  }
}

/** Every message stored in the real topic (all queues), by raw pulls. */
async function delivered(env, topic, queues) {
  const out = [];
  for (let q = 0; q < queues; q++) out.push(...await env.pullAll(topic, q));
  return out;
}

async function viewById(env, offset) {
  const res = await env.request(VIEW_MESSAGE_BY_ID, { offset });
  assert.equal(res.code, Code.SUCCESS, `VIEW_MESSAGE_BY_ID ${offset}: ${res.code} ${res.remark}`);
  const [ rec ] = decodeRecords(res.body);
  return rec;
}

/**
 * The check-back header and body against the half message that was sent: msgId = transactionId =
 * UNIQ_KEY, offsets of the re-appended copy (later than the original), offsetMsgId = store host +
 * copy offset; the body is the copy encoded with the real topic/queue and TRANSACTION_CHECK_TIMES.
 */
async function assertCheckMatches(env, check, half, n) {
  const e = check.ext;
  const what = `check #${n} of ${half.key}: ${JSON.stringify(e)}`;
  assert.equal(e.msgId, half.uniqKey, what);
  assert.equal(e.transactionId, half.uniqKey, what);
  const clo = Number(e.commitLogOffset);
  const tso = Number(e.tranStateTableOffset);
  assert.ok(clo > half.commitLogOffset, `copy offset ${clo} after the half ${half.commitLogOffset}; ${what}`);
  assert.ok(tso > half.queueOffset, `copy queue offset ${tso} after ${half.queueOffset}; ${what}`);
  // offsetMsgId: same store host bytes as the send response's msgId, then the copy's offset.
  assert.equal(e.offsetMsgId.length, 32, what);
  assert.equal(e.offsetMsgId.slice(0, 16), half.msgId.slice(0, 16), what);
  assert.equal(offsetOfMsgId(e.offsetMsgId), clo, what);

  const m = check.msg;
  assert.equal(m.topic, half.topic, `check body topic: ${what}`);
  assert.equal(m.queueId, half.queueId, `check body queue: ${what}`);
  assert.equal(m.body.toString(), half.body);
  assert.equal(m.commitLogOffset, clo);
  assert.equal(m.queueOffset, tso);
  assert.equal(m.bornTimestamp, half.bornTimestamp);
  assert.equal(m.msgId, e.offsetMsgId);
  assert.equal(m.properties.UNIQ_KEY, half.uniqKey);
  assert.equal(m.properties.KEYS, half.key);
  assert.equal(m.properties.TAGS, half.tag);
  assert.equal(m.properties.TRAN_MSG, 'true');
  assert.equal(m.properties.PGROUP, half.group || m.properties.PGROUP);
  assert.equal(m.properties.REAL_TOPIC, half.topic);
  assert.equal(m.properties.REAL_QID, String(half.queueId));
  assert.equal(m.properties.TRANSACTION_CHECK_TIMES, String(n), `check times: ${m.propertiesString}`);

  // The header offsets name a half-queue record that exists: the re-appended copy.
  const copy = await viewById(env, clo);
  assert.equal(copy.topic, HALF_TOPIC);
  assert.equal(copy.queueId, 0);
  assert.equal(copy.queueOffset, tso);
  assert.equal(copy.properties.UNIQ_KEY, half.uniqKey);
  assert.equal(copy.properties.TRANSACTION_CHECK_TIMES, String(n));
}

const TX_CONFIG = {
  transactionCheckInterval: CHECK_INTERVAL,
  transactionTimeOut: TX_TIMEOUT,
  transactionCheckMax: CHECK_MAX,
};

describe('broker: transactional messages', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start({ brokerConfig: TX_CONFIG });
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('delivers exactly the committed halves (END_TRANSACTION and check-back), with their topic and queue', async () => {
    const topic = uniq('TTx');
    const group = uniq('PGTx');
    const Q = 4;
    await env.createTopic(topic, { queues: Q });
    const decisions = new Map(); // uniqKey -> answer on check-back
    const producer = await TxProducer.connect(env, group, c => decisions.get(c.ext.msgId) || 'silent');

    const plan = [
      { key: 'TX-commit', queueId: 3, check: null },
      { key: 'TX-rollback', queueId: 0, check: null },
      { key: 'TX-check-commit', queueId: 1, check: 'commit' },
      { key: 'TX-check-rollback', queueId: 2, check: 'rollback' },
      { key: 'TX-check-unknown', queueId: 1, check: 'unknown' },
    ];
    const halves = {};
    let lastQueueOffset = -1;
    for (const p of plan) {
      const h = await producer.sendHalf({ topic, queueId: p.queueId, key: p.key, body: `body of ${p.key}` });
      h.group = group;
      // Answer as for any send: the real queue id, the half queue offset, the half's offset msgId.
      assert.equal(Number(h.res.extFields.queueId), p.queueId, JSON.stringify(h.res.extFields));
      assert.ok(h.queueOffset > lastQueueOffset, `half queue offsets increase: ${h.queueOffset}`);
      lastQueueOffset = h.queueOffset;
      assert.equal(h.res.extFields.transactionId, undefined, '4.9.8 returns no transactionId');
      const stored = await viewById(env, h.commitLogOffset);
      assert.equal(stored.topic, HALF_TOPIC);
      assert.equal(stored.queueOffset, h.queueOffset);
      assert.equal(stored.properties.REAL_TOPIC, topic);
      assert.equal(stored.properties.REAL_QID, String(p.queueId));
      assert.equal(stored.sysFlag & 0xc, 0, 'half stored with the transaction bits reset');
      if (p.check) decisions.set(h.uniqKey, p.check);
      halves[p.key] = h;
    }
    // The Java client ends a transaction with a oneway request; a two-way one is answered SUCCESS.
    producer.end(halves['TX-commit'], Tx.COMMIT, { oneway: true });
    const rb = await producer.end(halves['TX-rollback'], Tx.ROLLBACK);
    assert.equal(rb.code, Code.SUCCESS, `rollback ${rb.code} ${rb.remark}`);

    // Nothing of the open ones is visible before their check-back.
    await env.waitMaxOffset(topic, 3, 1);
    let got = await delivered(env, topic, Q);
    assert.deepEqual(got.map(m => m.keys), [ 'TX-commit' ]);

    // Check-backs: one each for the committed/rolled back ones, CHECK_MAX for unknown.
    const unknown = halves['TX-check-unknown'];
    await waitUntil(() => producer.checksOf(unknown.uniqKey).length >= CHECK_MAX, {
      timeoutMs: (CHECK_MAX + 3) * CHECK_INTERVAL + TX_TIMEOUT + 5000,
      describe: () => `${CHECK_MAX} check-backs of the unknown half, have ${JSON.stringify(producer.checks.map(c => c.ext))}`,
    });
    // Then the broker gives up: no more check-backs for a few rounds.
    await sleep(3 * CHECK_INTERVAL + 500);
    assert.equal(producer.checksOf(unknown.uniqKey).length, CHECK_MAX, 'the unknown half is checked transactionCheckMax times');
    for (const k of [ 'TX-check-commit', 'TX-check-rollback' ]) {
      assert.equal(producer.checksOf(halves[k].uniqKey).length, 1, `${k} checked once, then resolved`);
    }
    for (const k of [ 'TX-commit', 'TX-rollback' ]) {
      assert.equal(producer.checksOf(halves[k].uniqKey).length, 0, `${k} was resolved by END_TRANSACTION`);
    }
    for (const k of [ 'TX-check-commit', 'TX-check-rollback' ]) {
      await assertCheckMatches(env, producer.checksOf(halves[k].uniqKey)[0], halves[k], 1);
    }
    const uChecks = producer.checksOf(unknown.uniqKey);
    for (let n = 0; n < uChecks.length; n++) await assertCheckMatches(env, uChecks[n], unknown, n + 1);
    for (let n = 1; n < uChecks.length; n++) {
      assert.ok(Number(uChecks[n].ext.commitLogOffset) > Number(uChecks[n - 1].ext.commitLogOffset), 'each check names a new copy');
      assert.ok(uChecks[n].at - uChecks[n - 1].at >= CHECK_INTERVAL / 2, 'one check per round');
    }

    // Delivered: exactly the two committed ones, in their real topic and queue.
    got = await delivered(env, topic, Q);
    assert.deepEqual(got.map(m => m.keys).sort(), [ 'TX-check-commit', 'TX-commit' ]);
    for (const m of got) {
      const h = halves[m.keys];
      assert.equal(m.topic, topic);
      assert.equal(m.queueId, h.queueId);
      assert.equal(m.body.toString(), h.body);
      assert.equal(m.properties.UNIQ_KEY, h.uniqKey);
      assert.equal(m.properties.TAGS, 'TagTx');
      assert.equal(m.sysFlag & 0xc, Tx.COMMIT, `sysFlag ${m.sysFlag}`);
      // Java keeps the half's property string: TRAN_MSG, PGROUP, REAL_TOPIC/REAL_QID stay.
      assert.equal(m.properties.TRAN_MSG, 'true');
      assert.equal(m.properties.PGROUP, group);
      assert.equal(m.properties.REAL_TOPIC, topic);
    }
    const explicit = got.find(m => m.keys === 'TX-commit');
    assert.equal(explicit.preparedTransactionOffset, halves['TX-commit'].commitLogOffset);
    assert.equal(explicit.properties.TRANSACTION_CHECK_TIMES, undefined);
    const viaCheck = got.find(m => m.keys === 'TX-check-commit');
    assert.equal(viaCheck.preparedTransactionOffset, Number(producer.checksOf(halves['TX-check-commit'].uniqKey)[0].ext.commitLogOffset),
      'committed from the copy named by the check-back');
    assert.equal(viaCheck.properties.TRANSACTION_CHECK_TIMES, '1');

    // The given-up half went to TRANS_CHECK_MAX_TIME_TOPIC, not to the real topic.
    const discarded = await env.pullAll(DISCARD_TOPIC, 0);
    const mine = discarded.filter(m => m.properties.UNIQ_KEY === unknown.uniqKey);
    assert.equal(mine.length, 1, `discarded: ${discarded.map(m => m.properties.UNIQ_KEY)}`);
    assert.equal(mine[0].properties.REAL_TOPIC, topic);
    assert.equal(mine[0].properties.TRANSACTION_CHECK_TIMES, String(CHECK_MAX));

    // An ali-ons consumer of the real topic sees the same two and nothing else.
    const col = new Collector('tx');
    await env.consumer({ consumerGroup: uniq('GTx') }, [ { topic, expr: '*', handler: col.handler } ]);
    await col.waitFor(2);
    await sleep(1500);
    const keyOf = m => (Array.isArray(m.keys) ? m.keys.join(' ') : m.keys);
    assert.deepEqual(col.messages.map(keyOf).sort(), [ 'TX-check-commit', 'TX-commit' ]);
    for (const m of col.messages) {
      assert.equal(m.topic, topic);
      assert.equal(m.queueId, halves[keyOf(m)].queueId);
      assert.equal(m.body.toString(), halves[keyOf(m)].body);
    }
  });

  it('END_TRANSACTION with a bad reference or for an already resolved half (Java 4.9.8 answers)', async () => {
    const topic = uniq('TTxBad');
    const group = uniq('PGTxBad');
    await env.createTopic(topic, { queues: 1 });
    const producer = await TxProducer.connect(env, group, () => 'silent');
    const h = await producer.sendHalf({ topic, key: 'TX-bad', body: 'bad input' });

    const ask = ext => producer.conn.request(producer.endRequest(
      { tranStateTableOffset: h.queueOffset, commitLogOffset: h.commitLogOffset, msgId: h.uniqKey }, Tx.COMMIT, { ext }));
    // No record at that commitLogOffset (past the end of the CommitLog).
    let res = await ask({ commitLogOffset: h.commitLogOffset + 1e9 });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, 'Find prepared transaction message failed' ]);
    // The record is there but the reference does not match it.
    res = await ask({ producerGroup: 'PG_SOMEONE_ELSE' });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, 'The producer group wrong' ]);
    res = await ask({ tranStateTableOffset: h.queueOffset + 1000 });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, 'The transaction state table offset wrong' ]);
    await sleep(200);
    assert.equal(await env.maxOffset(topic, 0), 0, 'nothing committed by the refused requests');

    // The right reference commits.
    res = await producer.end(h, Tx.COMMIT);
    assert.equal(res.code, Code.SUCCESS, res.remark);
    await env.waitMaxOffset(topic, 0, 1);
    // Java's EndTransactionProcessor does not consult the op records: a second commit of the same
    // half succeeds and stores the message again; a rollback after the commit succeeds and takes
    // nothing back.
    res = await producer.end(h, Tx.COMMIT);
    assert.equal(res.code, Code.SUCCESS, `second commit: ${res.code} ${res.remark}`);
    res = await producer.end(h, Tx.ROLLBACK);
    assert.equal(res.code, Code.SUCCESS, `rollback after commit: ${res.code} ${res.remark}`);
    await env.waitMaxOffset(topic, 0, 2);
    const got = await env.pullAll(topic, 0);
    assert.deepEqual(got.map(m => [ m.properties.UNIQ_KEY, m.preparedTransactionOffset ]),
      [ [ h.uniqKey, h.commitLogOffset ], [ h.uniqKey, h.commitLogOffset ] ]);

    // A rolled-back half committed later is delivered too (same reason).
    const h2 = await producer.sendHalf({ topic, key: 'TX-bad-2', body: 'rolled back, then committed' });
    assert.equal((await producer.end(h2, Tx.ROLLBACK)).code, Code.SUCCESS);
    assert.equal((await producer.end(h2, Tx.COMMIT)).code, Code.SUCCESS);
    await env.waitMaxOffset(topic, 0, 3);
    // None of them is checked back: each has an op record.
    await sleep(2 * CHECK_INTERVAL + TX_TIMEOUT);
    assert.deepEqual(producer.checks.map(c => c.ext.msgId), []);
  });

  it('a producer that never answers: the broker keeps serving, checks transactionCheckMax times, never delivers', async () => {
    const topic = uniq('TTxSilent');
    const group = uniq('PGTxSilent');
    await env.createTopic(topic, { queues: 2 });
    const producer = await TxProducer.connect(env, group, () => 'silent');
    const h = await producer.sendHalf({ topic, queueId: 1, key: 'TX-silent', body: 'never answered' });
    await waitUntil(() => producer.checks.length >= 1, { timeoutMs: 3 * CHECK_INTERVAL + TX_TIMEOUT + 5000 });
    // While the half waits for an answer, ordinary sends and pulls work.
    for (let i = 0; i < 5; i++) {
      const res = await env.sendRaw({ topic, queueId: 0, body: Buffer.from(`plain-${i}`) });
      assert.equal(res.code, Code.SUCCESS);
    }
    assert.equal((await env.pullAll(topic, 0, { min: 5 })).length, 5);
    await waitUntil(() => producer.checks.length >= CHECK_MAX, { timeoutMs: (CHECK_MAX + 3) * CHECK_INTERVAL + 5000 });
    await sleep(3 * CHECK_INTERVAL);
    assert.equal(producer.checks.length, CHECK_MAX);
    for (let n = 0; n < CHECK_MAX; n++) await assertCheckMatches(env, producer.checks[n], { ...h, group }, n + 1);
    assert.deepEqual(await env.pullAll(topic, 1), [], 'never delivered');
    const discarded = (await env.pullAll(DISCARD_TOPIC, 0)).filter(m => m.properties.UNIQ_KEY === h.uniqKey);
    assert.equal(discarded.length, 1);
  });

  it('a half message born in the future (producer clock ahead) is checked at once, as Java', async () => {
    // Java's check skips a half only while 0 <= now - born < transactionTimeOut and checks when
    // now - born <= -1; a message from a producer whose clock is ahead must not wait, nor hold up
    // the half messages stored after it.
    const topic = uniq('TTxFuture');
    const group = uniq('PGTxFuture');
    await env.createTopic(topic, { queues: 1 });
    const producer = await TxProducer.connect(env, group, () => 'commit');
    const ahead = await producer.sendHalf({ topic, key: 'TX-ahead', body: 'born in the future', bornTimestamp: Date.now() + 600000 });
    const normal = await producer.sendHalf({ topic, key: 'TX-after', body: 'stored after it' });
    await waitUntil(() => producer.checks.length >= 2, {
      timeoutMs: 4 * CHECK_INTERVAL + TX_TIMEOUT + 3000,
      describe: () => `check-backs of both halves, have ${JSON.stringify(producer.checks.map(c => c.ext))}`,
    });
    assert.deepEqual(producer.checks.map(c => c.ext.msgId).sort(), [ ahead.uniqKey, normal.uniqKey ].sort());
    await env.waitMaxOffset(topic, 0, 2);
    const got = await env.pullAll(topic, 0);
    assert.deepEqual(got.map(m => m.keys).sort(), [ 'TX-after', 'TX-ahead' ]);
    assert.equal(got.find(m => m.keys === 'TX-ahead').bornTimestamp, ahead.bornTimestamp);
  });
});

describe('broker: transactional messages with CHECK_IMMUNITY_TIME_IN_SECONDS', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start({ brokerConfig: TX_CONFIG });
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('an immune half is not checked and holds up nothing: it waits as a copy marked with its first offset', async () => {
    // Java (TransactionalMessageServiceImpl.checkPrepareQueueOffset): while now - born is below
    // the message's own immunity it is re-appended with TRAN_PREPARED_QUEUE_OFFSET = the offset it
    // was first stored at (kept by later copies; TRANSACTION_CHECK_TIMES untouched) and skipped,
    // so the halves stored after it are checked as usual.
    const topic = uniq('TTxImmune');
    const group = uniq('PGTxImmune');
    await env.createTopic(topic, { queues: 1 });
    const producer = await TxProducer.connect(env, group, () => 'commit');
    const immune = await producer.sendHalf({ topic, key: 'TX-immune', body: 'immune for 60 s',
      props: { CHECK_IMMUNITY_TIME_IN_SECONDS: '60' } });
    const normal = await producer.sendHalf({ topic, key: 'TX-behind', body: 'stored after the immune one' });
    await waitUntil(() => producer.checksOf(normal.uniqKey).length >= 1, {
      timeoutMs: 4 * CHECK_INTERVAL + TX_TIMEOUT + 3000,
      describe: 'the half behind the immune one is checked',
    });
    await env.waitMaxOffset(topic, 0, 1);
    await sleep(2 * CHECK_INTERVAL + 200);
    assert.deepEqual(producer.checksOf(immune.uniqKey), [], 'no check-back while immune');
    assert.deepEqual((await env.pullAll(topic, 0)).map(m => m.keys), [ 'TX-behind' ]);

    const copies = (await env.pullAll(HALF_TOPIC, 0, { from: immune.queueOffset + 1 }))
      .filter(m => m.properties.UNIQ_KEY === immune.uniqKey);
    assert.ok(copies.length >= 2, `re-appended every round: ${copies.length}`);
    for (const c of copies) {
      assert.equal(c.properties.TRAN_PREPARED_QUEUE_OFFSET, String(immune.queueOffset), c.propertiesString);
      assert.equal(c.properties.TRANSACTION_CHECK_TIMES, undefined, c.propertiesString);
      assert.equal(c.body.toString(), immune.body);
    }
    // The producer's own END_TRANSACTION (with the first offsets) commits it.
    const res = await producer.end(immune, Tx.COMMIT);
    assert.equal(res.code, Code.SUCCESS, res.remark);
    await env.waitMaxOffset(topic, 0, 2);
    const got = await env.pullAll(topic, 0);
    assert.deepEqual(got.map(m => m.keys), [ 'TX-behind', 'TX-immune' ]);
    assert.equal(got[1].preparedTransactionOffset, immune.commitLogOffset);
  });
});

describe('broker: transactional messages across a broker restart', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start({ brokerConfig: { ...TX_CONFIG, transactionCheckMax: 10 } });
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('the pending half state survives a restart: check-backs resume and the commit is delivered once', async () => {
    const topic = uniq('TTxRestart');
    const group = uniq('PGTxRestart');
    await env.createTopic(topic, { queues: 2 });
    let producer = await TxProducer.connect(env, group, () => 'unknown');
    const h = await producer.sendHalf({ topic, queueId: 1, key: 'TX-restart', body: 'survives a restart' });
    h.group = group;
    const rolledBack = await producer.sendHalf({ topic, queueId: 0, key: 'TX-restart-rb', body: 'rolled back before' });
    assert.equal((await producer.end(rolledBack, Tx.ROLLBACK)).code, Code.SUCCESS);
    await waitUntil(() => producer.checksOf(h.uniqKey).length >= 1, { timeoutMs: 3 * CHECK_INTERVAL + TX_TIMEOUT + 5000 });
    const before = producer.checksOf(h.uniqKey).length;
    await assertCheckMatches(env, producer.checksOf(h.uniqKey)[0], h, 1);

    const exit = await env.stopBroker();
    assert.equal(exit.code, 0, `broker exit ${JSON.stringify(exit)}`);
    await env.startBrokerAgain();
    // A new connection (the old one died with the broker) registers the group again; now commit.
    producer = await TxProducer.connect(env, group, () => 'commit');
    await waitUntil(() => producer.checksOf(h.uniqKey).length >= 1, {
      timeoutMs: 4 * CHECK_INTERVAL + TX_TIMEOUT + 5000,
      describe: 'a check-back after the restart',
    });
    const after1 = producer.checksOf(h.uniqKey)[0];
    const n = Number(after1.msg.properties.TRANSACTION_CHECK_TIMES);
    assert.ok(n > before, `check count continues after the restart: ${n} after ${before}`);
    await assertCheckMatches(env, after1, h, n);
    await env.waitMaxOffset(topic, 1, 1);
    await sleep(2 * CHECK_INTERVAL + TX_TIMEOUT);
    assert.equal(producer.checksOf(h.uniqKey).length, 1, 'checked once after the restart, then resolved');
    assert.deepEqual(producer.checksOf(rolledBack.uniqKey), [], 'the rolled-back half stays resolved');
    const got = await env.pullAll(topic, 1);
    assert.deepEqual(got.map(m => m.properties.UNIQ_KEY), [ h.uniqKey ]);
    assert.equal(got[0].body.toString(), h.body);
    assert.deepEqual(await env.pullAll(topic, 0), [], 'rolled back: never delivered');
  });
});
