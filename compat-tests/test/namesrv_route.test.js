'use strict';

// ali-ons against our mqnamesrv: route lookups for topics that a fake broker (lib/remoting.js)
// registered, TOPIC_NOT_EXIST, unregistration, TBW102, unknown request codes and malformed frames.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { startNameServer, dumpOnFailure, sleep } = require('../lib/harness');
const { createNameServerClient } = require('../lib/alions');

const CLUSTER = 'CompatCluster';

// The fake broker: nothing listens on its address; the name server only stores it.
const BROKER_A = {
  brokerName: 'broker-compat-a',
  clusterName: CLUSTER,
  brokerAddr: '127.0.0.1:10911',
  haServerAddr: '127.0.0.1:10912',
  brokerId: 0,
  dataVersion: { counter: 1, timestamp: Date.now() },
  topics: [
    { topicName: 'TBW102', readQueueNums: 8, writeQueueNums: 8, perm: 7 },
    { topicName: 'CompatTopicA', readQueueNums: 4, writeQueueNums: 4, perm: 6 },
    { topicName: 'CompatTopicB', readQueueNums: 3, writeQueueNums: 2, perm: 4 },
    { topicName: 'SELF_TEST_TOPIC', readQueueNums: 1, writeQueueNums: 1, perm: 6 },
  ],
};

function queueDataOf(route, brokerName) {
  return route.queueDatas.find(q => q.brokerName === brokerName);
}

function brokerDataOf(route, brokerName) {
  return route.brokerDatas.find(b => b.brokerName === brokerName);
}

async function expectTopicNotExist(client, topic) {
  await assert.rejects(client.getTopicRouteInfoFromNameServer(topic, 3000), err => {
    assert.equal(err.name, 'MQClientException', `unexpected error ${err.stack}`);
    assert.equal(err.code, r.ResponseCode.TOPIC_NOT_EXIST, `expected code 17, got ${err.code} (${err.message})`);
    return true;
  });
}

describe('name server routes through ali-ons', () => {
  let ns = null;
  let broker = null; // RemotingConnection playing broker A; stays open for the whole file
  let ons = null;
  const extraConns = [];

  before(async () => {
    ns = await startNameServer();
    broker = await r.RemotingConnection.connect(ns.addr);
    const res = await broker.request(r.registerBrokerRequest(BROKER_A));
    assert.equal(res.code, r.ResponseCode.SUCCESS, `REGISTER_BROKER answered ${res.code} ${res.remark}`);
    assert.ok(res.isResponse, 'response flag bit not set');
    ons = await createNameServerClient(ns.addr);
  });

  afterEach(t => {
    dumpOnFailure(t, ns);
    if (t.passed === false && ons && ons.logger.lines.length) {
      process.stderr.write(`----- ali-ons log -----\n${ons.logger.lines.join('\n')}\n`);
    }
  });

  after(async () => {
    if (ons) await ons.close();
    for (const c of extraConns) await c.close();
    if (broker) await broker.close();
    if (ns) await ns.stop();
  });

  it('(a) returns the registered broker name, cluster, master address and queue data', async () => {
    const route = await ons.client.getTopicRouteInfoFromNameServer('CompatTopicA', 3000);
    assert.ok(route, 'ali-ons returned no route (empty body?)');
    assert.equal(route.brokerDatas.length, 1, JSON.stringify(route));
    const bd = brokerDataOf(route, BROKER_A.brokerName);
    assert.ok(bd, `no brokerData for ${BROKER_A.brokerName}: ${JSON.stringify(route)}`);
    assert.equal(bd.cluster, CLUSTER);
    assert.deepEqual(bd.brokerAddrs, { 0: BROKER_A.brokerAddr });
    assert.equal(route.queueDatas.length, 1, JSON.stringify(route));
    const qd = queueDataOf(route, BROKER_A.brokerName);
    assert.equal(qd.readQueueNums, 4);
    assert.equal(qd.writeQueueNums, 4);
    assert.equal(qd.perm, 6);

    const routeB = await ons.client.getTopicRouteInfoFromNameServer('CompatTopicB', 3000);
    const qdB = queueDataOf(routeB, BROKER_A.brokerName);
    assert.ok(qdB, JSON.stringify(routeB));
    assert.deepEqual([ qdB.readQueueNums, qdB.writeQueueNums, qdB.perm ], [ 3, 2, 4 ]);
    assert.deepEqual(brokerDataOf(routeB, BROKER_A.brokerName).brokerAddrs, { 0: BROKER_A.brokerAddr });
  });

  it('(a) answers ali-ons (version 121) with bare numeric brokerAddrs keys, compact', async () => {
    const conn = await r.RemotingConnection.connect(ns.addr);
    extraConns.push(conn);
    const { response, bodyText } = await r.getRouteInfo(conn, 'CompatTopicA', { version: r.Version.V3_4_9 });
    assert.equal(response.code, r.ResponseCode.SUCCESS);
    assert.ok(bodyText, 'empty route body');
    assert.ok(bodyText.includes(`"brokerAddrs":{0:"${BROKER_A.brokerAddr}"}`),
      `expected fastjson bare key form for version < 401, got ${bodyText}`);
    assert.doesNotMatch(bodyText, /\s/, 'route body must not contain whitespace');
  });

  it('(b) a missing topic takes the TOPIC_NOT_EXIST (17) error path of ali-ons', async () => {
    await expectTopicNotExist(ons.client, 'CompatNoSuchTopic');
    assert.ok(ons.logger.lines.some(l => l.startsWith('WARN') && l.includes('CompatNoSuchTopic')),
      'ali-ons did not log its "is not exist" warning, so code 17 was not recognised');
  });

  it('(c) the route is gone after UNREGISTER_BROKER', async () => {
    const brokerC = {
      brokerName: 'broker-compat-c',
      clusterName: CLUSTER,
      brokerAddr: '127.0.0.1:10921',
      brokerId: 0,
      topics: [ { topicName: 'CompatTopicC', readQueueNums: 2, writeQueueNums: 2, perm: 6 } ],
    };
    const conn = await r.RemotingConnection.connect(ns.addr);
    extraConns.push(conn);
    const reg = await conn.request(r.registerBrokerRequest(brokerC));
    assert.equal(reg.code, r.ResponseCode.SUCCESS, `REGISTER_BROKER answered ${reg.code} ${reg.remark}`);
    const before = await ons.client.getTopicRouteInfoFromNameServer('CompatTopicC', 3000);
    assert.deepEqual(brokerDataOf(before, brokerC.brokerName).brokerAddrs, { 0: brokerC.brokerAddr });

    const unreg = await conn.request(r.unregisterBrokerRequest(brokerC));
    assert.equal(unreg.code, r.ResponseCode.SUCCESS, `UNREGISTER_BROKER answered ${unreg.code} ${unreg.remark}`);
    assert.ok(!conn.closed, 'name server closed the connection after UNREGISTER_BROKER');
    await expectTopicNotExist(ons.client, 'CompatTopicC');

    // Broker A is untouched.
    const a = await ons.client.getTopicRouteInfoFromNameServer('CompatTopicA', 3000);
    assert.ok(brokerDataOf(a, BROKER_A.brokerName));
  });

  it('(d) returns the TBW102 route (ali-ons default-topic lookup)', async () => {
    const route = await ons.client.getDefaultTopicRouteInfoFromNameServer('TBW102', 3000);
    assert.ok(route, 'no TBW102 route');
    const qd = queueDataOf(route, BROKER_A.brokerName);
    assert.ok(qd, JSON.stringify(route));
    assert.deepEqual([ qd.readQueueNums, qd.writeQueueNums, qd.perm ], [ 8, 8, 7 ]);
    assert.deepEqual(brokerDataOf(route, BROKER_A.brokerName).brokerAddrs, { 0: BROKER_A.brokerAddr });
    assert.equal(brokerDataOf(route, BROKER_A.brokerName).cluster, CLUSTER);
  });

  it('(e) answers an unknown request code with 3 and keeps the connection usable', async () => {
    const conn = await r.RemotingConnection.connect(ns.addr);
    extraConns.push(conn);
    for (const code of [ 9999, 310 /* SEND_MESSAGE_V2: a broker code */ ]) {
      const req = r.createRequest(code, { foo: 'bar' }, { body: 'ignored body' });
      const res = await conn.request(req);
      assert.equal(res.code, r.ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `code ${code} answered ${res.code} ${res.remark}`);
      assert.equal(res.opaque, req.opaque);
      assert.ok(res.isResponse, 'response flag bit not set');
      assert.equal(res.serializeType, 'JSON');
    }
    const { response, route } = await r.getRouteInfo(conn, 'CompatTopicA');
    assert.equal(response.code, r.ResponseCode.SUCCESS);
    assert.equal(route.brokerDatas[0].brokerName, BROKER_A.brokerName);
    assert.ok(!conn.closed);
  });

  it('(f) a malformed frame closes only that connection', async () => {
    const malformed = {
      'header length bigger than frame': (() => {
        const b = Buffer.alloc(12);
        b.writeInt32BE(8, 0);
        b.writeUInt32BE(0x00000100, 4); // JSON, header length 256, but only 4 bytes follow
        return b;
      })(),
      'header that is not JSON': r.encodeFrame(r.createRequest(105, null), { header: Buffer.from('{"code":105,') }),
      'frame length above 16 MiB': (() => {
        const b = Buffer.alloc(8);
        b.writeInt32BE(0x7ffffff0, 0);
        b.writeUInt32BE(0x00000010, 4);
        return b;
      })(),
    };
    for (const [ what, bytes ] of Object.entries(malformed)) {
      const bad = await r.RemotingConnection.connect(ns.addr);
      extraConns.push(bad);
      bad.writeRaw(bytes);
      const closed = await bad.waitClosed(5000);
      assert.ok(closed, `name server did not close the connection after a ${what}`);
      assert.ok(ns.running, `name server process died after a ${what}`);

      const good = await r.RemotingConnection.connect(ns.addr);
      extraConns.push(good);
      const { response, route } = await r.getRouteInfo(good, 'CompatTopicA');
      assert.equal(response.code, r.ResponseCode.SUCCESS, `after a ${what}: ${response.code} ${response.remark}`);
      assert.equal(route.brokerDatas[0].brokerName, BROKER_A.brokerName);
    }
    // The broker's own connection and its registration survived; so does ali-ons' connection.
    await sleep(100);
    assert.ok(!broker.closed, 'the fake broker connection was closed too');
    const route = await ons.client.getTopicRouteInfoFromNameServer('CompatTopicA', 3000);
    assert.ok(brokerDataOf(route, BROKER_A.brokerName));
  });
});
