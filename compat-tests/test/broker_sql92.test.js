'use strict';

// SQL92 subscriptions through ali-ons against a broker with enablePropertyFilter=true: only
// matching messages arrive; a broken expression is refused; without the broker switch a SQL92
// pull is refused (Java codes).

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { BrokerEnv, Collector, Message, Code, uniq, sleep } = require('../lib/broker_env');

describe('broker: SQL92 property filters', () => {
  let env;

  before(async () => {
    env = await BrokerEnv.start({ brokerConfig: { enablePropertyFilter: 'true' } });
  });
  afterEach(t => env && env.dumpOnFailure(t));
  after(async () => {
    if (env) await env.close();
  });

  it('delivers only the messages the expression selects', async () => {
    const topic = uniq('TSql');
    const group = uniq('GSql');
    await env.createTopic(topic, { queues: 2 });
    const producer = await env.producer();
    for (let i = 0; i < 10; i++) {
      const msg = new Message(topic, i % 2 ? 'TagA' : 'TagB', Buffer.from(`sql-${i}`));
      msg.properties.a = String(i);
      if (i !== 4) msg.properties.s = 'x';
      await producer.send(msg);
    }
    const got = new Collector('sql');
    await env.consumer({ consumerGroup: group }, [ {
      topic,
      expr: { expressionType: 'SQL92', subString: "TAGS = 'TagA' AND a BETWEEN 2 AND 8 AND s IS NOT NULL" },
      handler: got.handler,
    } ]);
    // a in {3, 5, 7}: odd (TagA), within [2, 8], with s.
    await got.waitFor(3, 20000);
    await sleep(1000);
    const bodies = got.items.map(x => x.msg.body.toString()).sort();
    assert.deepEqual(bodies, [ 'sql-3', 'sql-5', 'sql-7' ]);
  });

  it('answers a malformed SQL92 expression in a pull with SUBSCRIPTION_PARSE_FAILED', async () => {
    const topic = uniq('TSqlBad');
    await env.createTopic(topic, { queues: 1 });
    const res = await env.pull({
      group: uniq('GSqlBad'), topic, queueId: 0, offset: 0,
      subscription: 'a BETWEEN (', expressionType: 'SQL92',
    });
    assert.equal(res.code, Code.SUBSCRIPTION_PARSE_FAILED, res.remark);
  });
});
