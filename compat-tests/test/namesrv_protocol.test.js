'use strict';

// Protocol details of the name server that the standard clients and the Java broker rely on
// (shared/protocol/namesrv.md 3.2-3.4, 5; remoting.md 2, 5.3, 7). Exercised with lib/remoting.js,
// and with ali-ons where it parses the result.

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { startNameServer, dumpOnFailure, sleep } = require('../lib/harness');
const { createNameServerClient } = require('../lib/alions');

const CLUSTER = 'ProtoCluster';

function brokerDef(name, port, topics, extra = {}) {
  return {
    brokerName: name,
    clusterName: CLUSTER,
    brokerAddr: `127.0.0.1:${port}`,
    brokerId: 0,
    dataVersion: { counter: 1, timestamp: Date.now() },
    topics,
    ...extra,
  };
}

/** Poll the route until check(result) is true or timeoutMs passes; returns the last result. */
async function pollRoute(conn, topic, check, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  let res;
  do {
    res = await r.getRouteInfo(conn, topic);
    if (check(res)) return res;
    await sleep(50);
  } while (Date.now() < deadline);
  return res;
}

describe('name server protocol details', () => {
  let ns = null;
  let client = null; // plain query connection
  let ons = null;
  const conns = [];

  async function connect() {
    const c = await r.RemotingConnection.connect(ns.addr);
    conns.push(c);
    return c;
  }

  before(async () => {
    ns = await startNameServer();
    client = await connect();
    ons = await createNameServerClient(ns.addr);
  });

  afterEach(t => dumpOnFailure(t, ns));

  after(async () => {
    if (ons) await ons.close();
    for (const c of conns) await c.close();
    if (ns) await ns.stop();
  });

  it('chooses the brokerAddrs key form by request version and acceptStandardJsonOnly', async () => {
    const b = brokerDef('broker-proto-v', 10931, [ { topicName: 'ProtoTopicV', readQueueNums: 2, writeQueueNums: 2, perm: 6 } ]);
    const conn = await connect();
    const reg = await conn.request(r.registerBrokerRequest(b));
    assert.equal(reg.code, 0, `${reg.code} ${reg.remark}`);
    const bare = `"brokerAddrs":{0:"${b.brokerAddr}"}`;
    const quoted = `"brokerAddrs":{"0":"${b.brokerAddr}"}`;
    const cases = [
      { version: r.Version.V3_4_9, expect: bare },
      { version: r.Version.V4_5_2, expect: bare },
      { version: r.Version.V4_9_4, expect: quoted },
      { version: r.Version.V4_9_8, expect: quoted },
      { version: r.Version.V3_4_9, acceptStandardJsonOnly: true, expect: quoted },
    ];
    for (const c of cases) {
      const { response, bodyText } = await r.getRouteInfo(client, 'ProtoTopicV', c);
      assert.equal(response.code, 0);
      assert.ok(bodyText.includes(c.expect), `version ${c.version} acceptStandardJsonOnly=${c.acceptStandardJsonOnly}: ${bodyText}`);
      if (c.expect === quoted) assert.doesNotThrow(() => JSON.parse(bodyText), 'standard form must be valid JSON');
      const route = r.parseFastjson(bodyText);
      assert.ok(Array.isArray(route.queueDatas) && Array.isArray(route.brokerDatas), 'queueDatas/brokerDatas must be arrays');
    }
  });

  it('adds a slave (brokerId 1) to brokerAddrs; ali-ons parses both ids', async () => {
    const master = brokerDef('broker-proto-ms', 10941, [ { topicName: 'ProtoTopicMS', readQueueNums: 4, writeQueueNums: 4, perm: 6 } ]);
    const slave = { ...master, brokerAddr: '127.0.0.1:10951', brokerId: 1, topics: [] };
    const mc = await connect();
    const sc = await connect();
    assert.equal((await mc.request(r.registerBrokerRequest(master))).code, 0);
    const sres = await sc.request(r.registerBrokerRequest(slave));
    assert.equal(sres.code, 0, `${sres.code} ${sres.remark}`);
    const route = await ons.client.getTopicRouteInfoFromNameServer('ProtoTopicMS', 3000);
    assert.deepEqual(route.brokerDatas[0].brokerAddrs, { 0: master.brokerAddr, 1: slave.brokerAddr });
    assert.equal(route.queueDatas.length, 1);
    assert.equal(route.queueDatas[0].writeQueueNums, 4, 'slave registration must not touch queue data');
  });

  it('processes a oneway REGISTER_BROKER and never answers it', async () => {
    const b = brokerDef('broker-proto-ow', 10961, [ { topicName: 'ProtoTopicOW1', readQueueNums: 1, writeQueueNums: 1, perm: 6 } ]);
    const conn = await connect();
    assert.equal((await conn.request(r.registerBrokerRequest(b))).code, 0);
    const oneway = r.registerBrokerRequest({
      ...b,
      dataVersion: { counter: 2, timestamp: Date.now() },
      topics: [ ...b.topics, { topicName: 'ProtoTopicOW2', readQueueNums: 2, writeQueueNums: 2, perm: 6 } ],
    });
    conn.oneway(oneway);
    const res = await pollRoute(client, 'ProtoTopicOW2', x => x.response.code === 0);
    assert.equal(res.response.code, 0, 'topic of the oneway registration never showed up');
    await sleep(300);
    const answers = conn.received.filter(f => f.opaque === oneway.opaque);
    assert.equal(answers.length, 0, `oneway REGISTER_BROKER was answered: ${JSON.stringify(answers.map(a => a.header))}`);
    assert.ok(!conn.closed);
  });

  it('rejects a REGISTER_BROKER whose bodyCrc32 does not match (code 1)', async () => {
    const b = brokerDef('broker-proto-crc', 10971, [ { topicName: 'ProtoTopicCRC', readQueueNums: 1, writeQueueNums: 1, perm: 6 } ]);
    const body = r.buildRegisterBrokerBody(b);
    const conn = await connect();
    const res = await conn.request(r.registerBrokerRequest({ ...b, body, bodyCrc32: (r.bodyCrc32(body) + 1) & 0x7fffffff }));
    assert.equal(res.code, r.ResponseCode.SYSTEM_ERROR, `${res.code} ${res.remark}`);
    const route = await r.getRouteInfo(client, 'ProtoTopicCRC');
    assert.equal(route.response.code, r.ResponseCode.TOPIC_NOT_EXIST);
  });

  it('accepts a compressed RegisterBrokerBody (compressed=true)', async () => {
    const b = brokerDef('broker-proto-z', 10981, [
      { topicName: 'ProtoTopicZ', readQueueNums: 5, writeQueueNums: 3, perm: 6 },
    ], { compressed: true });
    const conn = await connect();
    const res = await conn.request(r.registerBrokerRequest(b));
    assert.equal(res.code, 0, `${res.code} ${res.remark}`);
    const route = await ons.client.getTopicRouteInfoFromNameServer('ProtoTopicZ', 3000);
    const qd = route.queueDatas[0];
    assert.deepEqual([ qd.brokerName, qd.readQueueNums, qd.writeQueueNums, qd.perm ], [ b.brokerName, 5, 3, 6 ]);
  });

  it('drops the routes of a broker whose connection closed', async () => {
    const b = brokerDef('broker-proto-gone', 10991, [ { topicName: 'ProtoTopicGone', readQueueNums: 1, writeQueueNums: 1, perm: 6 } ]);
    const conn = await r.RemotingConnection.connect(ns.addr);
    assert.equal((await conn.request(r.registerBrokerRequest(b))).code, 0);
    assert.equal((await r.getRouteInfo(client, 'ProtoTopicGone')).response.code, 0);
    await conn.close();
    const res = await pollRoute(client, 'ProtoTopicGone', x => x.response.code === r.ResponseCode.TOPIC_NOT_EXIST, 5000);
    assert.equal(res.response.code, r.ResponseCode.TOPIC_NOT_EXIST, 'route still present after the broker connection closed');
  });

  it('answers ROCKETMQ (binary header) requests in ROCKETMQ', async () => {
    const b = brokerDef('broker-proto-bin', 11001, [ { topicName: 'ProtoTopicBin', readQueueNums: 2, writeQueueNums: 2, perm: 6 } ]);
    const conn = await connect();
    const reg = await conn.request(r.registerBrokerRequest(b), { serializeType: 'ROCKETMQ' });
    assert.equal(reg.code, 0, `${reg.code} ${reg.remark}`);
    assert.equal(reg.serializeType, 'ROCKETMQ');
    const route = await conn.request(r.routeRequest('ProtoTopicBin'), { serializeType: 'ROCKETMQ' });
    assert.equal(route.code, 0);
    assert.equal(route.serializeType, 'ROCKETMQ');
    assert.equal(JSON.parse(route.body.toString()).brokerDatas[0].brokerName, b.brokerName);
    const missing = await conn.request(r.routeRequest('ProtoTopicMissing'), { serializeType: 'ROCKETMQ' });
    assert.equal(missing.code, r.ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(missing.serializeType, 'ROCKETMQ');
    const unknown = await conn.request(r.createRequest(9998, { a: 'b' }), { serializeType: 'ROCKETMQ' });
    assert.equal(unknown.code, r.ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal(unknown.serializeType, 'ROCKETMQ');
  });

  it('handles several frames in one write and a frame split into single bytes', async () => {
    const conn = await connect();
    const reqs = [ 1, 2, 3 ].map(() => r.routeRequest('ProtoTopicV'));
    const waits = reqs.map(req => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer for opaque ${req.opaque}`)), 3000);
      const onFrame = f => {
        if (f.opaque === req.opaque) {
          clearTimeout(timer);
          conn.off('unmatched', onFrame);
          resolve(f);
        }
      };
      conn.on('unmatched', onFrame);
    }));
    conn.writeRaw(Buffer.concat(reqs.map(req => r.encodeFrame(req))));
    for (const f of await Promise.all(waits)) assert.equal(f.code, 0);

    const slow = r.routeRequest('ProtoTopicV');
    const bytes = r.encodeFrame(slow);
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to the byte-by-byte frame')), 5000);
      conn.on('unmatched', f => {
        if (f.opaque === slow.opaque) {
          clearTimeout(timer);
          resolve(f);
        }
      });
    });
    for (let i = 0; i < bytes.length; i++) {
      conn.writeRaw(bytes.subarray(i, i + 1));
      if (i % 16 === 0) await sleep(1);
    }
    assert.equal((await answer).code, 0);
  });
});
