'use strict';

// Broker statistics after real ali-ons traffic: an ali-ons producer sends, an ali-ons consumer
// consumes and commits, then the admin requests mqadmin uses show the same sums:
// VIEW_BROKER_STATS_DATA (315, statsAll), GET_CONSUME_STATS (208, consumerProgress),
// GET_BROKER_CONSUME_STATS (317, brokerConsumeStats), GET_BROKER_RUNTIME_INFO (28, brokerStatus /
// clusterList). The per-topic items are sampled every 10 s from the broker's start (as Java), so
// the test waits for one tick (at most ~10 s).

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { BrokerEnv, Collector, Message, Code, uniq, waitUntil } = require('../lib/broker_env');

const Admin = Object.freeze({
  GET_BROKER_RUNTIME_INFO: 28,
  GET_CONSUME_STATS: 208,
  VIEW_BROKER_STATS_DATA: 315,
  GET_BROKER_CONSUME_STATS: 317,
});

describe('broker: statistics', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start();
  });

  afterEach(t => env && env.dumpOnFailure(t));

  after(async () => {
    if (env) await env.close();
  });

  const body = res => r.parseFastjson(res.body.toString());
  const view = (statsName, statsKey) => env.request(Admin.VIEW_BROKER_STATS_DATA, { statsName, statsKey });

  it('sums of ali-ons sends and pulls in 315, 208, 317 and 28', async () => {
    const topic = uniq('TStats');
    const group = uniq('GStats');
    await env.createTopic(topic, { queues: 4 });
    const producer = await env.producer();
    const N = 20;
    for (let i = 0; i < N; i++) {
      const res = await producer.send(new Message(topic, 'TagS', Buffer.from(`stats-${i}`)));
      assert.equal(res.sendStatus, 'SEND_OK');
    }
    const col = new Collector('stats');
    await env.consumer({ consumerGroup: group }, [ { topic, expr: '*', handler: col.handler } ]);
    await col.waitFor(N);

    // The consumer commits every second: wait until GET_CONSUME_STATS shows everything consumed.
    await waitUntil(async () => {
      const res = await env.request(Admin.GET_CONSUME_STATS, { consumerGroup: group, topic });
      if (res.code !== Code.SUCCESS) return null;
      const table = body(res).offsetTable;
      const keys = Object.keys(table);
      return keys.length === 4 && keys.every(k => table[k].consumerOffset === table[k].brokerOffset) &&
        keys.reduce((n, k) => n + table[k].brokerOffset, 0) === N;
    }, { timeoutMs: 15000, describe: 'committed offsets of the ali-ons consumer' });

    // One sampling tick later, the minute windows hold the sums.
    const minute = await waitUntil(async () => {
      const res = await view('TOPIC_PUT_NUMS', topic);
      if (res.code !== Code.SUCCESS) return null;
      const data = body(res);
      return data.statsMinute.sum === N ? data : null;
    }, { timeoutMs: 25000, intervalMs: 500, describe: 'TOPIC_PUT_NUMS sampled' });
    assert.equal(minute.statsMinute.avgpt, 1, 'one message per send');
    assert.ok(minute.statsMinute.tps > 0, JSON.stringify(minute));
    assert.deepEqual(Object.keys(minute), [ 'statsDay', 'statsHour', 'statsMinute' ]);
    assert.deepEqual(Object.keys(minute.statsMinute), [ 'avgpt', 'sum', 'tps' ]);

    const get = await view('GROUP_GET_NUMS', `${topic}@${group}`);
    assert.equal(get.code, Code.SUCCESS, get.remark);
    assert.equal(body(get).statsMinute.sum, N);
    const size = await view('TOPIC_PUT_SIZE', topic);
    assert.ok(body(size).statsMinute.sum > N * 8, 'whole records counted');
    const brokerPut = await view('BROKER_PUT_NUMS', env.clusterName);
    assert.ok(body(brokerPut).statsMinute.sum >= N);

    const missing = await view('TOPIC_PUT_NUMS', `${topic}_none`);
    assert.equal(missing.code, Code.SYSTEM_ERROR);
    assert.equal(missing.remark, `The stats <TOPIC_PUT_NUMS> <${topic}_none> not exist`);

    // consumeTps is the group's GROUP_GET_NUMS minute TPS (a tick may fall between the requests:
    // compared only for being set).
    const cs = body(await env.request(Admin.GET_CONSUME_STATS, { consumerGroup: group, topic }));
    assert.ok(cs.consumeTps > 0, JSON.stringify(cs));

    const all = await env.request(Admin.GET_BROKER_CONSUME_STATS, { isOrder: false });
    assert.equal(all.code, Code.SUCCESS, all.remark);
    const list = body(all);
    assert.equal(list.brokerAddr, env.brokerAddr);
    const mine = list.consumeStatsList.find(e => e[group]);
    assert.ok(mine, `group ${group} missing from ${all.body}`);
    const byTopic = mine[group].find(s => Object.keys(s.offsetTable).some(k => k.includes(topic)));
    assert.ok(byTopic, JSON.stringify(mine));
    assert.ok(byTopic.consumeTps > 0, JSON.stringify(byTopic));

    const info = await env.request(Admin.GET_BROKER_RUNTIME_INFO, {});
    const table = body(info).table;
    assert.ok(Number(table.msgPutTotalTodayNow) >= N, table.msgPutTotalTodayNow);
    assert.ok(Number(table.msgGetTotalTodayNow) >= N, table.msgGetTotalTodayNow);
    assert.equal(table.msgPutTotalTodayMorning, '0', 'no midnight since the start');
    assert.equal(table.msgGetTotalYesterdayMorning, '0');
    assert.match(table.getTotalTps, /^\d+\.\d+(E-?\d+)? \d+\.\d+(E-?\d+)? \d+\.\d+(E-?\d+)?$/);
    // A window still filling is empty (Java), e.g. "0.0 1.5 " or "  " in the first 10 s.
    assert.match(table.getFoundTps, /^(\d+\.\d+(E-?\d+)?)? (\d+\.\d+(E-?\d+)?)? (\d+\.\d+(E-?\d+)?)?$/);
  });
});
