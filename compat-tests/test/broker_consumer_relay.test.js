'use strict';

// Admin requests the broker relays to one live consumer and answers with the consumer's answer:
// GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309) (`mqadmin consumerStatus`,
// `mqadmin consumeMessage`), and INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223, `mqadmin
// getConsumerStatus`), which asks every consumer of the group with GET_CONSUMER_STATUS_FROM_CLIENT. ali-ons 3.12 answers no broker request, so the consumer is ours
// (lib/raw_clients.js) and answers on its own connection with RemotingConnection.respond.
// Java 4.9.8 AdminBrokerProcessor.callConsumer: find the client in the group (else SYSTEM_ERROR
// "The Consumer <group> <clientId> not online"), version >= V3_1_8_SNAPSHOT (else SYSTEM_ERROR
// "The Consumer <clientId> Version <name> too low ..."), forward the extFields and body as a new
// two-way request (10 s), answer the client's code/remark/body; timeout -> CONSUME_MSG_TIMEOUT (207).
// shared/protocol/broker-requests.md 9.6.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { BrokerEnv, Code, uniq, decodeRecords, encodeProperties } = require('../lib/broker_env');
const { RawConsumer } = require('../lib/raw_clients');

const GET_CONSUMER_RUNNING_INFO = 307;
const CONSUME_MESSAGE_DIRECTLY = 309;
const CONSUME_MSG_TIMEOUT = 207;
const GET_CONSUMER_STATUS_FROM_CLIENT = 221;
const INVOKE_BROKER_TO_GET_CONSUMER_STATUS = 223;

describe('broker: consumer control relayed to a live consumer', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  it('GET_CONSUMER_RUNNING_INFO: forwarded with the same fields, the consumer\'s answer relayed', async () => {
    const topic = uniq('TRelay');
    const group = uniq('GRelay');
    await env.createTopic(topic, { queues: 1 });
    const consumer = await RawConsumer.connect(env, group, topic);
    const info = JSON.stringify({ jstack: '', properties: { consumerGroup: group, PROP_CLIENT_VERSION: 'V4_9_8' } });
    consumer.onRequest = (cmd, conn) => conn.respond(cmd, Code.SUCCESS, { body: info });

    let res = await env.request(GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: consumer.clientId, jstackEnable: false });
    assert.equal(res.code, Code.SUCCESS, res.remark);
    assert.equal(res.body.toString(), info, 'body relayed byte for byte');
    assert.equal(consumer.requests.length, 1);
    const fwd = consumer.requests[0];
    assert.equal(fwd.code, GET_CONSUMER_RUNNING_INFO);
    assert.equal(fwd.isOneway, false, 'two-way');
    assert.deepEqual(fwd.extFields, { consumerGroup: group, clientId: consumer.clientId, jstackEnable: 'false' });

    // An error answer is relayed as it is.
    consumer.onRequest = (cmd, conn) => conn.respond(cmd, Code.SYSTEM_ERROR, { remark: 'not now' });
    res = await env.request(GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: consumer.clientId, jstackEnable: true });
    assert.deepEqual([ res.code, res.remark, res.body.length ], [ Code.SYSTEM_ERROR, 'not now', 0 ]);

    // Not in the group (unknown client id; unknown group).
    res = await env.request(GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: '127.0.0.1@nobody', jstackEnable: false });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, `The Consumer <${group}> <127.0.0.1@nobody> not online` ]);
    const noGroup = uniq('GNone');
    res = await env.request(GET_CONSUMER_RUNNING_INFO, { consumerGroup: noGroup, clientId: consumer.clientId, jstackEnable: false });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, `The Consumer <${noGroup}> <${consumer.clientId}> not online` ]);
    assert.equal(consumer.requests.length, 2, 'nothing forwarded for those');

    // A client older than V3_1_8_SNAPSHOT (ordinal 62): Java names the client id and the version.
    const old = await RawConsumer.connect(env, group, topic, { version: 61 });
    res = await env.request(GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: old.clientId, jstackEnable: false });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR,
      `The Consumer <${old.clientId}> Version <V3_1_7> too low to finish, please upgrade it to V3_1_8_SNAPSHOT` ]);
    assert.equal(old.requests.length, 0);
  });

  it('CONSUME_MESSAGE_DIRECTLY: the stored record and brokerName are forwarded; a silent consumer -> CONSUME_MSG_TIMEOUT', async () => {
    const topic = uniq('TDirect');
    const group = uniq('GDirect');
    await env.createTopic(topic, { queues: 2 });
    const sent = await env.sendRaw({ topic, queueId: 1, body: Buffer.from('consume me directly'),
      properties: encodeProperties({ KEYS: 'DK', WAIT: 'true', TAGS: 'TagD' }) });
    assert.equal(sent.code, Code.SUCCESS);
    const msgId = sent.extFields.msgId;
    const consumer = await RawConsumer.connect(env, group, topic);
    const result = JSON.stringify({ autoCommit: true, consumeResult: 'CR_SUCCESS', order: false, spentTimeMills: 1 });
    consumer.onRequest = (cmd, conn) => conn.respond(cmd, Code.SUCCESS, { body: result });

    let res = await env.request(CONSUME_MESSAGE_DIRECTLY, { consumerGroup: group, clientId: consumer.clientId, msgId });
    assert.equal(res.code, Code.SUCCESS, res.remark);
    assert.equal(res.body.toString(), result);
    const fwd = consumer.requests[0];
    assert.equal(fwd.code, CONSUME_MESSAGE_DIRECTLY);
    assert.deepEqual(fwd.extFields, { consumerGroup: group, clientId: consumer.clientId, msgId, brokerName: env.brokerName });
    const [ rec ] = decodeRecords(fwd.body);
    assert.equal(rec.msgId, msgId);
    assert.equal(rec.topic, topic);
    assert.equal(rec.queueId, 1);
    assert.equal(rec.body.toString(), 'consume me directly');
    assert.equal(rec.keys, 'DK');

    // No answer within the relay's 10 s: CONSUME_MSG_TIMEOUT; the broker serves others meanwhile.
    consumer.onRequest = null;
    const started = Date.now();
    const pending = env.request(CONSUME_MESSAGE_DIRECTLY, { consumerGroup: group, clientId: consumer.clientId, msgId }, { timeoutMs: 20000 });
    const other = await env.connect();
    const again = await env.sendRaw({ topic, queueId: 0, body: Buffer.from('meanwhile') }, other);
    assert.equal(again.code, Code.SUCCESS);
    res = await pending;
    const took = Date.now() - started;
    assert.equal(res.code, CONSUME_MSG_TIMEOUT, `${res.code} ${res.remark}`);
    assert.ok(res.remark.startsWith(`consumer <${group}> <${consumer.clientId}> Timeout: `), res.remark);
    assert.ok(took >= 9500 && took < 15000, `answered after ${took} ms`);
  });
  it('INVOKE_BROKER_TO_GET_CONSUMER_STATUS: every consumer asked with 221, answers collected by client id', async () => {
    const topic = uniq('TStatus');
    const group = uniq('GStatus');
    await env.createTopic(topic, { queues: 2 });
    const a = await RawConsumer.connect(env, group, topic);
    const b = await RawConsumer.connect(env, group, topic);
    const silent = await RawConsumer.connect(env, group, topic);
    const tableOf = (q, off) => `{"messageQueueTable":{{"brokerName":"${env.brokerName}","queueId":${q},"topic":"${topic}"}:${off}}}`;
    a.onRequest = (cmd, conn) => conn.respond(cmd, Code.SUCCESS, { body: tableOf(0, 5) });
    b.onRequest = (cmd, conn) => conn.respond(cmd, Code.SUCCESS, { body: tableOf(1, 7) });
    silent.onRequest = (cmd, conn) => conn.respond(cmd, Code.SYSTEM_ERROR, { remark: 'busy' });

    let res = await env.request(INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group });
    assert.equal(res.code, Code.SUCCESS, res.remark);
    const text = res.body.toString();
    assert.ok(text.startsWith('{"consumerTable":{') && text.endsWith(',"messageQueueTable":{}}'), text);
    assert.ok(text.includes(`"${a.clientId}":{{"brokerName":"${env.brokerName}","queueId":0,"topic":"${topic}"}:5}`), text);
    assert.ok(text.includes(`"${b.clientId}":{{"brokerName":"${env.brokerName}","queueId":1,"topic":"${topic}"}:7}`), text);
    assert.ok(!text.includes(silent.clientId), 'a failed answer is left out');
    for (const c of [ a, b, silent ]) {
      assert.equal(c.requests.length, 1);
      assert.equal(c.requests[0].code, GET_CONSUMER_STATUS_FROM_CLIENT);
      assert.deepEqual(c.requests[0].extFields, { topic, group });
    }

    // clientAddr names one client: only that one is asked.
    res = await env.request(INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group, clientAddr: b.clientId });
    assert.equal(res.code, Code.SUCCESS);
    assert.ok(!res.body.toString().includes(a.clientId));
    assert.equal(a.requests.length, 1);
    assert.equal(b.requests.length, 2);

    const none = uniq('GNone');
    res = await env.request(INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group: none });
    assert.deepEqual([ res.code, res.remark ], [ Code.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${none}]` ]);
  });
});
