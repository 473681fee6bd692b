'use strict';

// Consumer groups: two clustering consumers split the queues, the remaining one takes over all
// queues when the other leaves; the broker's consumer list and NOTIFY_CONSUMER_IDS_CHANGED; two
// broadcasting consumers each get every message.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { BrokerEnv, Collector, Message, Code, RequestCode, uniq, waitUntil, sleep } = require('../lib/broker_env');

/** A raw connection that heartbeats as a member of group (to observe broker -> client requests). */
async function rawMember(env, group, topic) {
  const conn = await env.connect();
  const clientID = `127.0.0.1@raw_${uniq('m')}`;
  const notifications = [];
  conn.on('request', req => notifications.push({ at: Date.now(), req }));
  const heartbeat = () => conn.request(r.createRequest(RequestCode.HEART_BEAT, null, {
    body: JSON.stringify({
      clientID,
      consumerDataSet: [ {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [ { topic, subString: '*', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: Date.now() } ],
        unitMode: false,
      } ],
      producerDataSet: [],
    }),
  }));
  const res = await heartbeat();
  assert.equal(res.code, Code.SUCCESS, `HEART_BEAT answered ${res.code} ${res.remark}`);
  return { conn, clientID, notifications, heartbeat };
}

async function consumerIds(env, group) {
  const res = await env.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group });
  if (res.code !== Code.SUCCESS) return { code: res.code, remark: res.remark, ids: [] };
  return { code: res.code, ids: r.parseFastjson(res.body.toString()).consumerIdList.slice().sort() };
}

describe('broker: rebalance and broadcast', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('two consumers of one group split the queues; the survivor takes over all of them when the other leaves', async () => {
    const topic = uniq('TSplit');
    const group = uniq('GSplit');
    const Q = 4;
    await env.createTopic(topic, { queues: Q });
    const producer = await env.producer();
    const watcher = await rawMember(env, group, topic);

    const ca = new Collector('a');
    const cb = new Collector('b');
    const a = await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: ca.handler } ]);
    const b = await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: cb.handler } ]);
    // The watcher is a third member: it gets NOTIFY_CONSUMER_IDS_CHANGED for the joins.
    await waitUntil(() => watcher.notifications.some(n => n.req.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED),
      { timeoutMs: 5000, describe: 'NOTIFY_CONSUMER_IDS_CHANGED to the raw member when ali-ons consumers joined' });
    const note = watcher.notifications.find(n => n.req.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED).req;
    assert.equal(note.extFields.consumerGroup, group);
    assert.ok(note.isOneway, 'NOTIFY_CONSUMER_IDS_CHANGED must be oneway');
    const ids = await consumerIds(env, group);
    assert.equal(ids.code, Code.SUCCESS);
    assert.deepEqual(ids.ids, [ a.clientId, b.clientId, watcher.clientID ].sort());
    // Drop the raw member so the two ali-ons consumers share the 4 queues.
    const unreg = await watcher.conn.request(r.createRequest(RequestCode.UNREGISTER_CLIENT, {
      clientID: watcher.clientID, consumerGroup: group,
    }));
    assert.equal(unreg.code, Code.SUCCESS, `UNREGISTER_CLIENT answered ${unreg.code} ${unreg.remark}`);
    assert.deepEqual((await consumerIds(env, group)).ids, [ a.clientId, b.clientId ].sort());

    const [ qa, qb ] = await waitUntil(() => {
      const x = BrokerEnv.assignedQueues(a, topic);
      const y = BrokerEnv.assignedQueues(b, topic);
      return x.length === 2 && y.length === 2 && x.every(q => !y.includes(q)) ? [ x, y ] : null;
    }, { timeoutMs: 10000, describe: () => `split: a ${BrokerEnv.assignedQueues(a, topic)} b ${BrokerEnv.assignedQueues(b, topic)}` });
    await sleep(300);

    const N1 = 40;
    for (let i = 0; i < N1; i++) await producer.send(new Message(topic, 'S', Buffer.from(`s1-${i}`)));
    await waitUntil(() => ca.count + cb.count >= N1, { timeoutMs: 10000, describe: () => `a ${ca.count} + b ${cb.count} >= ${N1}` });
    await sleep(300);
    assert.equal(ca.count + cb.count, N1, 'a message was delivered twice while both were up');
    assert.ok(ca.messages.every(m => qa.includes(m.queueId)), `a got messages of queues it does not own ${qa}`);
    assert.ok(cb.messages.every(m => qb.includes(m.queueId)), `b got messages of queues it does not own ${qb}`);
    assert.ok(ca.count > 0 && cb.count > 0, `a ${ca.count}, b ${cb.count}`);

    // b leaves; a must own all queues and get everything sent afterwards.
    await env.closeClient(b);
    assert.deepEqual((await consumerIds(env, group)).ids, [ a.clientId ]);
    await env.waitAssigned(a, topic, Q, 10000);
    const aBefore = ca.count;
    const N2 = 40;
    for (let i = 0; i < N2; i++) await producer.send(new Message(topic, 'S', Buffer.from(`s2-${i}`)));
    await waitUntil(() => ca.messages.filter(m => m.body.toString().startsWith('s2-')).length >= N2,
      { timeoutMs: 10000, describe: () => `a got ${ca.messages.filter(m => m.body.toString().startsWith('s2-')).length} of ${N2}` });
    await sleep(300);
    const phase2 = ca.messages.filter(m => m.body.toString().startsWith('s2-'));
    assert.equal(new Set(phase2.map(m => m.body.toString())).size, N2);
    assert.equal(phase2.length, N2, 'phase-2 duplicates');
    assert.deepEqual(Array.from(new Set(phase2.map(m => m.queueId))).sort(), [ 0, 1, 2, 3 ]);
    // b committed what it consumed before leaving: a does not get b's phase-1 messages again.
    const redelivered = ca.messages.slice(aBefore).filter(m => m.body.toString().startsWith('s1-'));
    assert.equal(redelivered.length, 0, `phase-1 messages delivered again after the takeover: ${redelivered.map(m => m.body)}`);
  });

  it('membership changes (join, UNREGISTER_CLIENT, connection drop) notify the remaining members only', async () => {
    const topic = uniq('TDrop');
    const group = uniq('GDrop');
    await env.createTopic(topic, { queues: 2 });
    const notes = m => m.notifications.filter(n => n.req.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED).length;
    const m1 = await rawMember(env, group, topic);
    const m2 = await rawMember(env, group, topic);
    assert.deepEqual((await consumerIds(env, group)).ids, [ m1.clientID, m2.clientID ].sort());
    await waitUntil(() => notes(m1) >= 1, { timeoutMs: 3000, describe: 'm1 notified of the join of m2' });

    // m2 unregisters: m1 is notified, m2 (gone) is not, also not of later changes.
    let n1 = notes(m1);
    const n2 = notes(m2);
    const unreg = await m2.conn.request(r.createRequest(RequestCode.UNREGISTER_CLIENT, { clientID: m2.clientID, consumerGroup: group }));
    assert.equal(unreg.code, Code.SUCCESS, `UNREGISTER_CLIENT answered ${unreg.code} ${unreg.remark}`);
    assert.deepEqual((await consumerIds(env, group)).ids, [ m1.clientID ]);
    await waitUntil(() => notes(m1) > n1, { timeoutMs: 3000, describe: 'm1 notified of the leave of m2' });
    n1 = notes(m1);
    const m3 = await rawMember(env, group, topic);
    await waitUntil(() => notes(m1) > n1, { timeoutMs: 3000, describe: 'm1 notified of the join of m3' });
    await sleep(200);
    assert.equal(notes(m2), n2, 'an unregistered client was notified');

    // m3's connection drops: removed at once, m1 notified.
    n1 = notes(m1);
    await m3.conn.close();
    await waitUntil(async () => (await consumerIds(env, group)).ids.length === 1, { timeoutMs: 3000, describe: 'm3 removed' });
    assert.deepEqual((await consumerIds(env, group)).ids, [ m1.clientID ]);
    await waitUntil(() => notes(m1) > n1, { timeoutMs: 3000, describe: 'NOTIFY_CONSUMER_IDS_CHANGED after the close' });
    await m1.conn.close();
    await waitUntil(async () => (await consumerIds(env, group)).code !== Code.SUCCESS, { timeoutMs: 3000, describe: 'group empty' });
    const empty = await consumerIds(env, group);
    assert.equal(empty.code, Code.SYSTEM_ERROR, `GET_CONSUMER_LIST_BY_GROUP of an empty group answered ${empty.code}`);
  });

  it('broadcast consumers (isBroadcast) each get every message', async () => {
    const topic = uniq('TBcast');
    const group = uniq('GBcast');
    await env.createTopic(topic, { queues: 4 });
    const producer = await env.producer();
    const cols = [ new Collector('b1'), new Collector('b2') ];
    const consumers = [];
    for (const col of cols) {
      consumers.push(await env.consumer({ consumerGroup: group, isBroadcast: true }, [ { topic, expr: '*', handler: col.handler } ]));
    }
    for (const c of consumers) await env.waitAssigned(c, topic, 4);
    const N = 60;
    for (let i = 0; i < N; i++) await producer.send(new Message(topic, 'B', Buffer.from(`b-${i}`)));
    for (const col of cols) await col.waitFor(N, 15000);
    await sleep(300);
    for (const col of cols) {
      const bodies = col.messages.map(m => m.body.toString());
      assert.equal(bodies.length, N, `${col.name} got ${bodies.length}`);
      assert.equal(new Set(bodies).size, N);
    }
    // Broadcasting offsets are client-local: the broker keeps none for the group (young queue -> 0).
    for (let q = 0; q < 4; q++) {
      const off = await env.consumerOffset(group, topic, q);
      assert.equal(off.code, Code.SUCCESS);
      assert.equal(off.offset, 0, `queue ${q}: broadcast consumers must not commit to the broker (${off.offset})`);
    }
  });
});
