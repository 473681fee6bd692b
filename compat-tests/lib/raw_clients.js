'use strict';

// Clients of our own for what ali-ons 3.12 cannot do, on lib/remoting.js connections that stay
// open and receive the broker's requests (tests: broker_reset_offset, broker_consumer_relay).

const assert = require('node:assert/strict');
const r = require('./remoting');
const { Code, RequestCode, uniq, waitUntil } = require('./broker_env');

const RESET_CONSUMER_CLIENT_OFFSET = 220;
const NOTIFY_CONSUMER_IDS_CHANGED = 40;

/**
 * A consumer on one connection: heartbeats its group and a '*' subscription of one topic, pulls
 * and commits with raw requests, records RESET_CONSUMER_CLIENT_OFFSET (220) pushes and adopts them
 * like the Java client (commits the offsets), keeps NOTIFY_CONSUMER_IDS_CHANGED apart, and answers
 * other broker requests with onRequest.
 */
class RawConsumer {
  static async connect(env, group, topic, { version } = {}) {
    const c = new RawConsumer(env, await env.connect({ timeoutMs: 5000 }), group, topic, version);
    await c.heartbeat();
    return c;
  }

  constructor(env, conn, group, topic, version) {
    this.env = env;
    this.conn = conn;
    this.group = group;
    this.topic = topic;
    this.version = version;
    this.clientId = `127.0.0.1@${uniq('rawc')}`;
    this.resets = []; // { ext, table: {queueId: offset}, raw, cmd }
    this.adopt = true; // commit pushed offsets like the Java client
    this.offsets = new Map(); // queueId -> next offset to pull
    this.requests = []; // every other broker -> client request
    this.notifications = []; // NOTIFY_CONSUMER_IDS_CHANGED (40)
    this.onRequest = null; // (cmd, conn) => void: answer with conn.respond(cmd, ...)
    conn.on('request', cmd => this._onRequest(cmd));
  }

  async heartbeat() {
    const body = {
      clientID: this.clientId,
      consumerDataSet: [ {
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        consumeType: 'CONSUME_PASSIVELY',
        groupName: this.group,
        messageModel: 'CLUSTERING',
        subscriptionDataSet: [ {
          classFilterMode: false, codeSet: [], expressionType: 'TAG', subString: '*', subVersion: Date.now(), tagsSet: [],
          topic: this.topic,
        } ],
        unitMode: false,
      } ],
      producerDataSet: [],
    };
    const res = await this.conn.request(r.createRequest(RequestCode.HEART_BEAT, undefined, { body, version: this.version }));
    assert.equal(res.code, Code.SUCCESS, `HEART_BEAT ${res.code} ${res.remark}`);
  }

  /** Pull everything of a queue from the current offset and commit the new offset. */
  async consume(queueId) {
    const from = this.offsets.get(queueId) || 0;
    const msgs = await this.env.pullAll(this.topic, queueId, { group: this.group, from });
    const next = msgs.length ? msgs[msgs.length - 1].queueOffset + 1 : from;
    this.offsets.set(queueId, next);
    await this.commit(queueId, next);
    return msgs;
  }

  async commit(queueId, offset) {
    const res = await this.conn.request(r.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET,
      { consumerGroup: this.group, topic: this.topic, queueId, commitOffset: offset }));
    assert.equal(res.code, Code.SUCCESS, res.remark);
  }

  _onRequest(cmd) {
    if (cmd.code === NOTIFY_CONSUMER_IDS_CHANGED) {
      this.notifications.push(cmd); // oneway; the Java client rebalances
      return;
    }
    if (cmd.code !== RESET_CONSUMER_CLIENT_OFFSET) {
      this.requests.push(cmd);
      if (this.onRequest) this.onRequest(cmd, this.conn);
      return;
    }
    const text = cmd.body.toString('utf8');
    const parsed = r.parseFastjson(text);
    const table = {};
    if (Array.isArray(parsed.offsetTable)) {
      for (const e of parsed.offsetTable) table[e.queueId] = e.offset;
    } else {
      for (const [ k, v ] of Object.entries(parsed.offsetTable)) {
        const mq = JSON.parse(k);
        assert.equal(mq.topic, this.topic);
        table[mq.queueId] = v;
      }
    }
    const reset = { ext: cmd.extFields, table, raw: text, parsed, cmd, committed: null };
    this.resets.push(reset);
    if (!this.adopt) return;
    // Java's client: drop the process queues, take the offsets, persist them.
    reset.committed = (async () => {
      for (const [ q, off ] of Object.entries(table)) {
        this.offsets.set(Number(q), off);
        await this.commit(Number(q), off);
      }
    })();
  }

  async nextReset(n) {
    await waitUntil(() => this.resets.length >= n, { timeoutMs: 5000, describe: `RESET_CONSUMER_CLIENT_OFFSET #${n}` });
    const reset = this.resets[n - 1];
    if (reset.committed) await reset.committed;
    return reset;
  }
}

module.exports = { RawConsumer, RESET_CONSUMER_CLIENT_OFFSET };
