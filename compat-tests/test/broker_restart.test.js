'use strict';

// Broker restart: SIGTERM (unregister from the name server, flush, remove the abort file, exit 0),
// start again on the same store dir and port: topics, messages and committed offsets survive, a new
// consumer resumes from the committed offsets, a consumer that stayed up resumes by itself, and new
// sends continue the queue offsets.

const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { BrokerEnv, Collector, Message, Code, uniq, waitUntil, sleep, abortFile } = require('../lib/broker_env');

describe('broker: restart on the same store', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('keeps topics, messages and committed offsets; consumers resume; queue offsets continue', async () => {
    const topic = uniq('TRestart');
    const group = uniq('GRestart');
    const stayGroup = uniq('GStay');
    const Q = 4;
    await env.createTopic(topic, { queues: Q });
    const producer = await env.producer();
    const N1 = 40;
    const sent1 = [];
    for (let i = 0; i < N1; i++) sent1.push(await producer.send(new Message(topic, 'X', Buffer.from(`before-${i}`))));

    const first = new Collector('first');
    const consumerA = await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: first.handler } ]);
    const stay = new Collector('stay');
    await env.consumer({ consumerGroup: stayGroup }, [ { topic, expr: '*', handler: stay.handler } ]);
    await first.waitFor(N1);
    await stay.waitFor(N1);
    const max1 = [];
    for (let q = 0; q < Q; q++) max1.push(await env.maxOffset(topic, q));
    assert.equal(max1.reduce((a, b) => a + b, 0), N1);
    // Wait until both groups committed everything, then stop consumer A cleanly.
    for (const g of [ group, stayGroup ]) {
      await waitUntil(async () => {
        for (let q = 0; q < Q; q++) if ((await env.consumerOffset(g, topic, q)).offset !== max1[q]) return false;
        return true;
      }, { timeoutMs: 8000, describe: `${g} committed ${max1}` });
    }
    await env.closeClient(consumerA);

    const store = env.broker.config.storePathRootDir;
    assert.ok(fs.existsSync(abortFile(env.broker)), 'the abort file must exist while the broker runs');
    const oldAddr = env.brokerAddr;

    // SIGTERM: exit 0, abort file removed, offsets and topics flushed, unregistered from the name server.
    const t0 = Date.now();
    const exit = await env.stopBroker();
    assert.deepEqual([ exit.code, exit.signal, exit.forced ], [ 0, null, false ], `broker exit ${JSON.stringify(exit)}`);
    console.log(`# broker SIGTERM -> exit in ${Date.now() - t0} ms`);
    assert.ok(!fs.existsSync(abortFile(env.previousBrokers[0])), 'abort file left behind by a clean shutdown');
    const offsetsFile = path.join(store, 'config', 'consumerOffset.json');
    const topicsFile = path.join(store, 'config', 'topics.json');
    assert.ok(fs.existsSync(offsetsFile), `${offsetsFile} missing`);
    assert.ok(fs.existsSync(topicsFile), `${topicsFile} missing`);
    const offsetsText = fs.readFileSync(offsetsFile, 'utf8');
    const table = r.parseFastjson(offsetsText).offsetTable;
    assert.ok(table[`${topic}@${group}`], `consumerOffset.json lacks ${topic}@${group}: ${offsetsText.slice(0, 500)}`);
    for (let q = 0; q < Q; q++) assert.equal(table[`${topic}@${group}`][q], max1[q], `persisted offset of queue ${q}`);
    assert.ok(r.parseFastjson(fs.readFileSync(topicsFile, 'utf8')).topicConfigTable[topic], 'topics.json lacks the topic');
    const nsConn = await env.nsConn();
    const gone = await r.getRouteInfo(nsConn, topic);
    assert.equal(gone.response.code, Code.TOPIC_NOT_EXIST, 'the broker must unregister from the name server on shutdown');

    // Start again: same port, same store.
    await env.startBrokerAgain();
    assert.equal(env.brokerAddr, oldAddr);
    await env.waitRoute(topic, { readQueueNums: Q, writeQueueNums: Q });
    for (let q = 0; q < Q; q++) {
      assert.equal(await env.maxOffset(topic, q), max1[q], `max offset of queue ${q} after the restart`);
      const c = await env.consumerOffset(group, topic, q);
      assert.deepEqual([ c.code, c.offset ], [ Code.SUCCESS, max1[q] ], `committed offset of queue ${q} after the restart`);
    }
    // Old messages are still there with the same ids.
    const old = [];
    for (let q = 0; q < Q; q++) old.push(...await env.pullAll(topic, q));
    assert.deepEqual(old.map(m => m.msgId).sort(), sent1.map(s => s.msgId).sort());

    // The producer created before the restart sends again; queue offsets continue.
    const N2 = 20;
    const sent2 = [];
    for (let i = 0; i < N2; i++) {
      let res;
      try {
        res = await producer.send(new Message(topic, 'X', Buffer.from(`after-${i}`)));
      } catch (err) {
        // ali-ons may need one failed send to notice its old channel is dead; one retry only.
        if (i !== 0) throw err;
        console.log(`# restart: the first send after the restart failed (${err.message}), retried once`);
        res = await producer.send(new Message(topic, 'X', Buffer.from(`after-${i}`)));
      }
      sent2.push(res);
    }
    const next = max1.slice();
    for (const s of sent2.slice().sort((a, b) => a.queueOffset - b.queueOffset)) {
      const q = Number(s.messageQueue.queueId);
      assert.equal(s.queueOffset, next[q], `queue ${q}: offset after the restart`);
      next[q] += 1;
    }

    // A new consumer of the committed group gets exactly the new messages.
    const second = new Collector('second');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: second.handler } ]);
    await second.waitFor(N2, 15000);
    // The consumer that stayed up through the restart resumes by itself.
    await stay.waitFor(N1 + N2, 20000);
    await sleep(500);
    assert.deepEqual(second.messages.map(m => m.body.toString()).sort(), sent2.map((_, i) => `after-${i}`).sort());
    const stayAfter = stay.messages.slice(N1).map(m => m.body.toString());
    assert.deepEqual(stayAfter.slice().sort(), sent2.map((_, i) => `after-${i}`).sort(),
      `the consumer that stayed up got ${stayAfter.length} messages after the restart`);
  });
});
