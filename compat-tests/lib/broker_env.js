'use strict';

// Shared fixture of the broker compatibility tests (test/broker_*.test.js): one mqnamesrv and one
// mqbroker per test file, topic creation through UPDATE_AND_CREATE_TOPIC (17), ali-ons producers
// and consumers wired to the name server with `nameSrv` (never HTTP), message collectors, and raw
// broker requests through lib/remoting.js (send, pull, offsets) with a decoder for pulled records.
//
// ali-ons facts this file works around:
// - its producer does not fall back to TBW102 when a topic has no route (TOPIC_NOT_EXIST is thrown),
//   so every test topic is created first and the fixture waits for its name server route;
// - MQClient instances are shared per clientId (ip@instanceName): every producer/consumer here gets
//   its own instanceName, so two consumers of one group are two clients;
// - MQProducer.getDefaultProducer() is a process-wide singleton (CLIENT_INNER_PRODUCER) that keeps
//   the MQClient of the first producer/consumer alive; close() below closes it last;
// - it ignores NOTIFY_CONSUMER_IDS_CHANGED, so rebalancing runs on `rebalanceInterval` (1 s here).

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { format } = require('node:util');
const assert = require('node:assert/strict');
const r = require('./remoting');
const { startNameServer, startBroker, sleep } = require('./harness');
const { Producer, Consumer, Message } = require('ali-ons');
const MQProducer = require('ali-ons/lib/producer/mq_producer');

const RequestCode = Object.freeze({
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,
  UPDATE_AND_CREATE_TOPIC: 17,
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  GET_EARLIEST_MSG_STORETIME: 32,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  CONSUMER_SEND_MSG_BACK: 36,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  GET_ROUTEINFO_BY_TOPIC: 105,
  SEND_MESSAGE_V2: 310,
});

const Code = Object.freeze({
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
});

// Pull sysFlag bits (PullSysFlag).
const PullFlag = Object.freeze({ COMMIT_OFFSET: 0x1, SUSPEND: 0x2, SUBSCRIPTION: 0x4 });

const NAME_VALUE_SEPARATOR = '\u0001';
const PROPERTY_SEPARATOR = '\u0002';

// MQClient periods (ms): route refresh, heartbeat, rebalance, offset commit.
const SHORT_PERIODS = Object.freeze({
  pollNameServerInteval: 1000,
  heartbeatBrokerInterval: 1000,
  rebalanceInterval: 1000,
  persistConsumerOffsetInterval: 1000,
});

let seq = 0;
/** A topic/group name unique in this run: [A-Za-z0-9_-] only. */
function uniq(prefix) {
  seq += 1;
  return `${prefix}_${process.pid}_${seq}_${Date.now().toString(36)}`;
}

const noHttp = {
  async request(url) {
    throw new Error(`ali-ons tried an HTTP name server lookup (${url}); tests must pass nameSrv`);
  },
};

/** An ali-ons logger that records (printed when a test fails). */
function recordingLogger(name) {
  const lines = [];
  const rec = level => (...args) => {
    const text = args[0] instanceof Error ? args[0].stack : format(...args);
    lines.push(`${new Date().toISOString()} ${level} [${name}] ${text}`);
    if (lines.length > 4000) lines.splice(0, lines.length - 4000);
  };
  return { lines, info: rec('INFO'), warn: rec('WARN'), error: rec('ERROR'), debug() {} };
}

/** Poll until fn() returns a truthy value; returns it. Throws with describe() after timeoutMs. */
async function waitUntil(fn, { timeoutMs = 10000, intervalMs = 50, describe } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const what = describe ? (typeof describe === 'function' ? describe() : describe) : fn.toString();
      throw new Error(`condition not met within ${timeoutMs} ms: ${what}`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Stored record decoder (message-format.md §2), used for raw pulls.

function decodeProperties(text) {
  // Java MessageDecoder.string2messageProperties.
  const map = {};
  let index = 0;
  const len = text.length;
  while (index < len) {
    let next = text.indexOf(PROPERTY_SEPARATOR, index);
    if (next < 0) next = len;
    if (next - index >= 3) {
      const kv = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (kv > index && kv < next - 1) map[text.slice(index, kv)] = text.slice(kv + 1, next);
    }
    index = next + 1;
  }
  return map;
}

function encodeProperties(props) {
  return Object.entries(props).map(([ k, v ]) => `${k}${NAME_VALUE_SEPARATOR}${v}`).join(PROPERTY_SEPARATOR);
}

function readHost(buf, off, v6) {
  const n = v6 ? 16 : 4;
  const ip = v6 ? buf.subarray(off, off + 16).toString('hex') : Array.from(buf.subarray(off, off + 4)).join('.');
  const port = buf.readInt32BE(off + n);
  return { text: `${ip}:${port}`, raw: buf.subarray(off, off + n + 4), next: off + n + 4 };
}

/** Decode concatenated stored records (pull body). Bodies with sysFlag bit 0 are inflated. */
function decodeRecords(buf) {
  const out = [];
  let off = 0;
  while (off + 4 <= buf.length) {
    const total = buf.readInt32BE(off);
    if (total <= 0 || off + total > buf.length) throw new Error(`bad record size ${total} at ${off} of ${buf.length}`);
    const rec = buf.subarray(off, off + total);
    let p = 4;
    const m = {};
    m.storeSize = total;
    m.magic = rec.readInt32BE(p); p += 4;
    m.bodyCRC = rec.readInt32BE(p); p += 4;
    m.queueId = rec.readInt32BE(p); p += 4;
    m.flag = rec.readInt32BE(p); p += 4;
    m.queueOffset = Number(rec.readBigInt64BE(p)); p += 8;
    m.commitLogOffset = Number(rec.readBigInt64BE(p)); p += 8;
    m.sysFlag = rec.readInt32BE(p); p += 4;
    m.bornTimestamp = Number(rec.readBigInt64BE(p)); p += 8;
    const born = readHost(rec, p, (m.sysFlag & 0x10) !== 0); p = born.next;
    m.bornHost = born.text;
    m.storeTimestamp = Number(rec.readBigInt64BE(p)); p += 8;
    const store = readHost(rec, p, (m.sysFlag & 0x20) !== 0); p = store.next;
    m.storeHost = store.text;
    m.reconsumeTimes = rec.readInt32BE(p); p += 4;
    m.preparedTransactionOffset = Number(rec.readBigInt64BE(p)); p += 8;
    const bodyLen = rec.readInt32BE(p); p += 4;
    let body = Buffer.from(rec.subarray(p, p + bodyLen)); p += bodyLen;
    m.rawBody = body;
    if (m.sysFlag & 0x1) body = zlib.inflateSync(body);
    m.body = body;
    const topicLen = rec.readUInt8(p); p += 1;
    m.topic = rec.toString('utf8', p, p + topicLen); p += topicLen;
    const propLen = rec.readInt16BE(p); p += 2;
    m.propertiesString = rec.toString('utf8', p, p + propLen); p += propLen;
    m.properties = decodeProperties(m.propertiesString);
    m.tags = m.properties.TAGS;
    m.keys = m.properties.KEYS;
    // Offset msgId: store host bytes + commit log offset (message-format.md §10.1).
    const id = Buffer.alloc(store.raw.length + 8);
    store.raw.copy(id, 0);
    id.writeBigInt64BE(BigInt(m.commitLogOffset), store.raw.length);
    m.msgId = id.toString('hex').toUpperCase();
    m.trailing = total - p; // must be 0
    out.push(m);
    off += total;
  }
  if (off !== buf.length) throw new Error(`pull body has ${buf.length - off} trailing bytes`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Raw request builders (Java header field names; values sent as strings like the Java client).

function sendRequestV2(m) {
  return r.createRequest(m.code || RequestCode.SEND_MESSAGE_V2, {
    a: m.producerGroup || 'COMPAT_RAW_PRODUCER',
    b: m.topic,
    c: m.defaultTopic === undefined ? 'TBW102' : m.defaultTopic,
    d: m.defaultTopicQueueNums === undefined ? 4 : m.defaultTopicQueueNums,
    e: m.queueId === undefined ? 0 : m.queueId,
    f: m.sysFlag || 0,
    g: m.bornTimestamp || Date.now(),
    h: m.flag || 0,
    i: m.properties === undefined ? encodeProperties({ WAIT: 'true' }) : m.properties,
    j: m.reconsumeTimes || 0,
    k: false,
    l: m.maxReconsumeTimes,
  }, { body: m.body === undefined ? Buffer.from('raw') : m.body });
}

function pullRequest(p) {
  let sysFlag = p.sysFlag;
  if (sysFlag === undefined) {
    sysFlag = PullFlag.SUBSCRIPTION | (p.suspendTimeoutMillis ? PullFlag.SUSPEND : 0) |
      (p.commitOffset ? PullFlag.COMMIT_OFFSET : 0);
  }
  const ext = {
    consumerGroup: p.group,
    topic: p.topic,
    queueId: p.queueId === undefined ? 0 : p.queueId,
    queueOffset: p.offset === undefined ? 0 : p.offset,
    maxMsgNums: p.maxMsgNums || 32,
    sysFlag,
    commitOffset: p.commitOffset || 0,
    suspendTimeoutMillis: p.suspendTimeoutMillis || 0,
    subscription: p.subscription === undefined ? '*' : p.subscription,
    subVersion: p.subVersion || 0,
  };
  if (p.expressionType) ext.expressionType = p.expressionType;
  for (const k of p.omit || []) delete ext[k];
  return r.createRequest(RequestCode.PULL_MESSAGE, ext);
}

function pullResult(res) {
  const out = {
    code: res.code,
    remark: res.remark,
    ext: res.extFields,
    nextBeginOffset: res.extFields.nextBeginOffset !== undefined ? Number(res.extFields.nextBeginOffset) : undefined,
    minOffset: res.extFields.minOffset !== undefined ? Number(res.extFields.minOffset) : undefined,
    maxOffset: res.extFields.maxOffset !== undefined ? Number(res.extFields.maxOffset) : undefined,
    messages: [],
    response: res,
  };
  if (res.code === Code.SUCCESS) out.messages = decodeRecords(res.body);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Collector: an ali-ons handler that records messages.

class Collector {
  constructor(name = 'collector') {
    this.name = name;
    this.items = []; // { msg, at }
    this._waiters = new Set();
    this.onMessage = null; // optional async (msg) => value, its result is returned to ali-ons
    this.handler = async msg => {
      this.items.push({ msg, at: Date.now() });
      for (const w of Array.from(this._waiters)) w();
      if (this.onMessage) return this.onMessage(msg);
      return undefined;
    };
  }

  get messages() {
    return this.items.map(i => i.msg);
  }

  get count() {
    return this.items.length;
  }

  /** Resolves when pred(items) is true (default: count >= n); rejects after timeoutMs. */
  waitFor(nOrPred, timeoutMs = 15000) {
    const pred = typeof nOrPred === 'function' ? nOrPred : items => items.length >= nOrPred;
    return new Promise((resolve, reject) => {
      if (pred(this.items)) return resolve(this.items);
      const check = () => {
        if (pred(this.items)) {
          this._waiters.delete(check);
          clearTimeout(timer);
          resolve(this.items);
        }
      };
      const timer = setTimeout(() => {
        this._waiters.delete(check);
        reject(new Error(`${this.name}: wanted ${typeof nOrPred === 'function' ? 'a condition' : nOrPred + ' messages'} ` +
          `within ${timeoutMs} ms, have ${this.items.length}`));
      }, timeoutMs);
      this._waiters.add(check);
    });
  }

  /** Counts by key function; returns { dups: [[key, n]], map }. */
  tally(keyFn) {
    const map = new Map();
    for (const { msg } of this.items) {
      const k = keyFn(msg);
      map.set(k, (map.get(k) || 0) + 1);
    }
    return { map, dups: Array.from(map).filter(([ , n ]) => n > 1) };
  }
}

// ---------------------------------------------------------------------------------------------
// The environment

class BrokerEnv {
  /**
   * @param {object} [opts] { brokerConfig: extra broker.conf keys, brokerName, clusterName }
   */
  static async start(opts = {}) {
    const env = new BrokerEnv(opts);
    env.ns = await startNameServer();
    try {
      env.broker = await startBroker({
        namesrvAddr: env.ns.addr,
        brokerName: env.brokerName,
        clusterName: env.clusterName,
        config: opts.brokerConfig,
      });
    } catch (err) {
      // A failed start must not leave the name server running (the test file would never end).
      await env.ns.stop();
      throw err;
    }
    return env;
  }

  constructor(opts) {
    this.opts = opts;
    this.brokerName = opts.brokerName || 'broker-compat';
    this.clusterName = opts.clusterName || 'CompatCluster';
    this.clients = []; // { kind, name, client, logger, errors, closed }
    this.conns = [];
    this._admin = null;
    this._nsConn = null;
    this.ns = null;
    this.broker = null;
    this.previousBrokers = [];
  }

  get nsAddr() {
    return this.ns.addr;
  }

  get brokerAddr() {
    return this.broker.addr;
  }

  /** A new raw connection to the broker (closed by close()). */
  async connect(opts) {
    const c = await r.RemotingConnection.connect(this.brokerAddr, opts);
    this.conns.push(c);
    return c;
  }

  /** The shared raw connection to the broker (re-opened when closed). */
  async admin() {
    if (!this._admin || this._admin.closed) this._admin = await this.connect({ timeoutMs: 5000 });
    return this._admin;
  }

  async nsConn() {
    if (!this._nsConn || this._nsConn.closed) {
      this._nsConn = await r.RemotingConnection.connect(this.nsAddr, { timeoutMs: 5000 });
      this.conns.push(this._nsConn);
    }
    return this._nsConn;
  }

  /** Send a request on the admin connection. */
  async request(code, ext, opts = {}) {
    const conn = await this.admin();
    return conn.request(r.createRequest(code, ext, opts), opts);
  }

  async createTopic(topic, { queues = 4, readQueueNums, writeQueueNums, perm = 6, order = false, wait = true } = {}) {
    const rq = readQueueNums !== undefined ? readQueueNums : queues;
    const wq = writeQueueNums !== undefined ? writeQueueNums : queues;
    const res = await this.request(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: rq,
      writeQueueNums: wq,
      perm,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order,
    });
    assert.equal(res.code, Code.SUCCESS, `UPDATE_AND_CREATE_TOPIC ${topic} answered ${res.code} ${res.remark}`);
    if (wait) await this.waitRoute(topic, { readQueueNums: rq, writeQueueNums: wq });
    return res;
  }

  /** Wait until the name server returns a route of topic with this broker (and queue counts). */
  async waitRoute(topic, { readQueueNums, writeQueueNums, timeoutMs = 10000 } = {}) {
    let last = null;
    return waitUntil(async () => {
      const conn = await this.nsConn();
      const { response, route } = await r.getRouteInfo(conn, topic, { version: r.Version.V3_4_9 });
      last = `${response.code} ${response.remark || ''} ${route ? JSON.stringify(route) : ''}`;
      if (response.code !== Code.SUCCESS || !route) return null;
      const qd = (route.queueDatas || []).find(q => q.brokerName === this.brokerName);
      if (!qd) return null;
      if (readQueueNums !== undefined && qd.readQueueNums !== readQueueNums) return null;
      if (writeQueueNums !== undefined && qd.writeQueueNums !== writeQueueNums) return null;
      const bd = (route.brokerDatas || []).find(b => b.brokerName === this.brokerName);
      if (!bd || bd.brokerAddrs[0] !== this.brokerAddr) return null;
      return route;
    }, { timeoutMs, describe: () => `name server route of ${topic}: last answer ${last}` });
  }

  _register(kind, name, client, logger) {
    const entry = { kind, name, client, logger, errors: [], closed: false };
    client.on('error', err => {
      entry.errors.push(err);
      logger.lines.push(`${new Date().toISOString()} EVENT-ERROR [${name}] ${err && err.stack}`);
    });
    this.clients.push(entry);
    return entry;
  }

  /** A started ali-ons Producer. */
  async producer(opts = {}) {
    const name = opts.instanceName || uniq('prod');
    const logger = recordingLogger(name);
    const producer = new Producer({
      nameSrv: this.nsAddr,
      httpclient: noHttp,
      logger,
      instanceName: name,
      producerGroup: uniq('PG'),
      // Short periods everywhere: the MQClient's scheduled tasks sleep one period before they see
      // close(), and the test process cannot exit before that.
      ...SHORT_PERIODS,
      ...opts,
    });
    const entry = this._register('producer', name, producer, logger);
    await producer.ready();
    producer.entry = entry;
    return producer;
  }

  /**
   * An ali-ons Consumer (clustering unless isBroadcast), consuming from the first offset.
   * Subscriptions: [{ topic, expr, handler }]; the consumer is ready when returned.
   */
  async consumer(opts = {}, subscriptions = []) {
    const name = opts.instanceName || uniq('cons');
    const logger = recordingLogger(name);
    const consumer = new Consumer({
      nameSrv: this.nsAddr,
      httpclient: noHttp,
      logger,
      instanceName: name,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      ...SHORT_PERIODS,
      pullTimeDelayMillsWhenException: 500,
      ...opts,
    });
    const entry = this._register('consumer', name, consumer, logger);
    consumer.entry = entry;
    for (const s of subscriptions) consumer.subscribe(s.topic, s.expr || '*', s.handler);
    await consumer.ready();
    return consumer;
  }

  /** Queue ids of topic the consumer currently pulls. */
  static assignedQueues(consumer, topic) {
    const ids = [];
    for (const v of consumer.processQueueTable.values()) {
      if (v.messageQueue.topic === topic) ids.push(v.messageQueue.queueId);
    }
    return ids.sort((a, b) => a - b);
  }

  async waitAssigned(consumer, topic, n, timeoutMs = 10000) {
    return waitUntil(() => {
      const q = BrokerEnv.assignedQueues(consumer, topic);
      return q.length === n ? q : null;
    }, { timeoutMs, describe: () => `${consumer.entry.name} owns ${n} queues of ${topic}, has ` +
      JSON.stringify(BrokerEnv.assignedQueues(consumer, topic)) });
  }

  async closeClient(c, { timeoutMs = 10000 } = {}) {
    const entry = c.entry || this.clients.find(e => e.client === c);
    if (entry && entry.closed) return;
    if (entry) entry.closed = true;
    let timer;
    try {
      await Promise.race([
        c.close(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('close timed out')), timeoutMs); }),
      ]);
    } catch (err) {
      if (entry) entry.logger.lines.push(`close failed: ${err.stack}`);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- raw helpers ----------------------------------------------------------------------

  async sendRaw(m, conn) {
    const c = conn || await this.admin();
    return c.request(sendRequestV2(m), { timeoutMs: m.timeoutMs || 5000 });
  }

  async pull(p, conn) {
    const c = conn || await this.admin();
    const res = await c.request(pullRequest(p), { timeoutMs: p.timeoutMs || 5000 });
    return pullResult(res);
  }

  /**
   * Wait until the consume queue reached atLeast entries. A send is answered once the CommitLog
   * has the record; the consume queue entry is dispatched asynchronously (Java too), so a pull or
   * GET_MAX_OFFSET right after a send may not see it yet.
   */
  async waitMaxOffset(topic, queueId, atLeast, timeoutMs = 5000) {
    let last;
    return waitUntil(async () => {
      last = await this.maxOffset(topic, queueId);
      return last >= atLeast ? last : null;
    }, { timeoutMs, intervalMs: 10, describe: () => `max offset of ${topic}/${queueId} >= ${atLeast} (is ${last})` });
  }

  /** Every message of topic/queue from offset on (non-suspending pulls); min: wait for that many. */
  async pullAll(topic, queueId, { group = 'COMPAT_RAW_PULL', from = 0, subscription = '*', min = 0 } = {}) {
    if (min > 0 && subscription === '*') await this.waitMaxOffset(topic, queueId, from + min);
    const out = [];
    let offset = from;
    for (let i = 0; i < 1000; i++) {
      const res = await this.pull({ group, topic, queueId, offset, subscription });
      if (res.code === Code.SUCCESS || res.code === Code.PULL_RETRY_IMMEDIATELY) {
        out.push(...res.messages);
        if (res.nextBeginOffset <= offset) break;
        offset = res.nextBeginOffset;
        continue;
      }
      if (res.code === Code.PULL_NOT_FOUND) break;
      throw new Error(`pull ${topic}/${queueId}@${offset} answered ${res.code} ${res.remark}`);
    }
    return out;
  }

  async offsetRequest(code, ext, field = 'offset') {
    const res = await this.request(code, ext);
    assert.equal(res.code, Code.SUCCESS, `request ${code} ${JSON.stringify(ext)} answered ${res.code} ${res.remark}`);
    assert.ok(res.extFields[field] !== undefined, `response to ${code} lacks ${field}: ${JSON.stringify(res.extFields)}`);
    return Number(res.extFields[field]);
  }

  maxOffset(topic, queueId) {
    return this.offsetRequest(RequestCode.GET_MAX_OFFSET, { topic, queueId });
  }

  minOffset(topic, queueId) {
    return this.offsetRequest(RequestCode.GET_MIN_OFFSET, { topic, queueId });
  }

  searchOffset(topic, queueId, timestamp) {
    return this.offsetRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { topic, queueId, timestamp });
  }

  earliestStoreTime(topic, queueId) {
    return this.offsetRequest(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic, queueId }, 'timestamp');
  }

  /** { code, offset } of QUERY_CONSUMER_OFFSET. */
  async consumerOffset(group, topic, queueId) {
    const res = await this.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId });
    return { code: res.code, remark: res.remark, offset: res.extFields.offset !== undefined ? Number(res.extFields.offset) : undefined };
  }

  async sumMaxOffsets(topic, queues) {
    let n = 0;
    for (let q = 0; q < queues; q++) n += await this.maxOffset(topic, q);
    return n;
  }

  // ---- broker restart ---------------------------------------------------------------------

  /** SIGTERM the broker (keeping its store) and return the exit info. */
  async stopBroker() {
    const b = this.broker;
    const res = await b.stop({ keepDir: true });
    this.previousBrokers.push(b);
    if (this._admin) {
      await this._admin.close();
      this._admin = null;
    }
    return res;
  }

  /** Start the broker again on the same store dir and port. */
  async startBrokerAgain() {
    const prev = this.previousBrokers[this.previousBrokers.length - 1];
    this.broker = await startBroker({
      namesrvAddr: this.nsAddr,
      brokerName: this.brokerName,
      clusterName: this.clusterName,
      config: this.opts.brokerConfig,
      dir: prev.dir,
      port: prev.port,
    });
    return this.broker;
  }

  // ---- diagnostics and teardown -------------------------------------------------------------

  /** For afterEach: print server output and ali-ons logs when the test failed. */
  dumpOnFailure(t) {
    if (t.passed !== false) {
      for (const e of this.clients) e.dumpedUpTo = e.logger.lines.length;
      return;
    }
    for (const b of [ ...this.previousBrokers, this.broker, this.ns ]) {
      if (b) b.dumpOutput(`test "${t.name}" failed`);
    }
    for (const e of this.clients) {
      const from = e.dumpedUpTo || 0;
      const lines = e.logger.lines.slice(from).filter(l => !/\bINFO\b/.test(l) || /error|fail/i.test(l));
      e.dumpedUpTo = e.logger.lines.length;
      if (lines.length) {
        process.stderr.write(`----- ali-ons ${e.kind} ${e.name} (warnings/errors) -----\n${lines.slice(-200).join('\n')}\n`);
      }
    }
  }

  async close() {
    for (const e of this.clients.slice().reverse()) await this.closeClient(e.client);
    if (MQProducer.defaultProducer) {
      const p = MQProducer.defaultProducer;
      MQProducer.defaultProducer = null;
      let timer;
      try {
        await Promise.race([ p.close(), new Promise(resolve => { timer = setTimeout(resolve, 5000); }) ]);
      } catch {
        // ignore
      } finally {
        clearTimeout(timer);
      }
    }
    for (const c of this.conns) await c.close();
    const results = {};
    if (this.broker) results.broker = await this.broker.stop();
    if (this.ns) results.ns = await this.ns.stop();
    for (const b of this.previousBrokers) {
      if (b.dir && !process.env.RMQ_KEEP_TMP && this.broker && this.broker.dir !== b.dir) {
        fs.rmSync(b.dir, { recursive: true, force: true });
      }
    }
    return results;
  }
}

/** Path of the broker's abort file (store root). */
function abortFile(broker) {
  return path.join(broker.config.storePathRootDir, 'abort');
}

module.exports = {
  RequestCode,
  Code,
  PullFlag,
  BrokerEnv,
  Collector,
  Message,
  uniq,
  waitUntil,
  sleep,
  decodeRecords,
  decodeProperties,
  encodeProperties,
  sendRequestV2,
  pullRequest,
  pullResult,
  abortFile,
  recordingLogger,
};
