'use strict';

// Minimal RocketMQ remoting client for the compatibility tests.
//
// Wire format (see shared/protocol/remoting.md sections 2-5 and 7):
//   int32 length          = 4 + headerLength + bodyLength (bytes after this field)
//   int32 typeAndLength   = (serializeType << 24) | headerLength   (0 = JSON, 1 = ROCKETMQ)
//   header                (JSON object text, or the ROCKETMQ binary layout)
//   body                  (rest of the frame, may be empty)
// All integers are big-endian.
//
// This module is used by the tests to play a broker (REGISTER_BROKER / UNREGISTER_BROKER),
// to send arbitrary requests (unknown codes, malformed frames) and to decode captured frames.

const net = require('node:net');
const zlib = require('node:zlib');
const { EventEmitter } = require('node:events');

const SERIALIZE_JSON = 0;
const SERIALIZE_ROCKETMQ = 1;
const SERIALIZE_NAMES = { [SERIALIZE_JSON]: 'JSON', [SERIALIZE_ROCKETMQ]: 'ROCKETMQ' };

const FLAG_RESPONSE = 0x1;
const FLAG_ONEWAY = 0x2;

// Java's NettyDecoder limit: whole frame including the 4-byte length prefix.
const MAX_FRAME_LENGTH = 16 * 1024 * 1024;

const ROCKETMQ_FIXED_HEADER = 21;

// LanguageCode values (binary header byte <-> JSON enum name).
const LANGUAGES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER',
  'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
];

const RequestCode = Object.freeze({
  PUT_KV_CONFIG: 100,
  GET_KV_CONFIG: 101,
  DELETE_KV_CONFIG: 102,
  REGISTER_BROKER: 103,
  UNREGISTER_BROKER: 104,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  DELETE_TOPIC_IN_NAMESRV: 216,
  QUERY_DATA_VERSION: 322,
});

const ResponseCode = Object.freeze({
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TOPIC_NOT_EXIST: 17,
  QUERY_NOT_FOUND: 22,
});

// MQVersion ordinals used in tests.
const Version = Object.freeze({
  V3_0_11: 37,
  V3_4_9: 121, // what ali-ons sends
  V4_5_2: 317, // what the Go client v2 sends
  V4_9_4: 401,
  V4_9_8: 409,
});

const Perm = Object.freeze({ PRIORITY: 8, READ: 4, WRITE: 2, INHERIT: 1 });

class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProtocolError';
  }
}

// ---------------------------------------------------------------------------------------------
// CRC32 (IEEE, as java.util.zip.CRC32). zlib.crc32 exists from Node 20.15 on; keep a fallback.

let crcTable = null;
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = crcTable[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// bodyCrc32 header value of REGISTER_BROKER: CRC32 masked with 0x7FFFFFFF.
function bodyCrc32(buf) {
  return crc32(buf) & 0x7fffffff;
}

// ---------------------------------------------------------------------------------------------
// Commands

let nextOpaque = 1;
function allocOpaque() {
  const o = nextOpaque;
  nextOpaque = nextOpaque >= 0x7fffffff ? 1 : nextOpaque + 1;
  return o;
}

function toBuffer(body) {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Build a request command object.
 * @param {number} code request code
 * @param {object} [extFields] custom header fields (values are sent as strings unless rawExtFields)
 * @param {object} [opts] { body, version (409), language ('JAVA'), opaque, oneway, remark, flag }
 */
function createRequest(code, extFields, opts = {}) {
  let flag = opts.flag !== undefined ? opts.flag : 0;
  if (opts.oneway) flag |= FLAG_ONEWAY;
  return {
    code,
    language: opts.language || 'JAVA',
    version: opts.version !== undefined ? opts.version : Version.V4_9_8,
    opaque: opts.opaque !== undefined ? opts.opaque : allocOpaque(),
    flag,
    remark: opts.remark,
    extFields: extFields || undefined,
    body: toBuffer(opts.body),
  };
}

function normalizeExtFields(ext) {
  // Java semantics: numbers/booleans become their literal text, null values are dropped.
  const out = {};
  if (!ext || typeof ext !== 'object') return out;
  for (const [k, v] of Object.entries(ext)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

function encodeJsonHeader(cmd, opts) {
  // Java (fastjson) key order: code, extFields, flag, language, opaque, remark,
  // serializeTypeCurrentRPC, version. Null members are left out.
  const h = { code: cmd.code };
  if (cmd.extFields !== undefined && cmd.extFields !== null) {
    h.extFields = opts.rawExtFields ? cmd.extFields : normalizeExtFields(cmd.extFields);
  }
  h.flag = cmd.flag || 0;
  h.language = cmd.language || 'JAVA';
  h.opaque = cmd.opaque;
  if (cmd.remark !== undefined && cmd.remark !== null) h.remark = cmd.remark;
  h.serializeTypeCurrentRPC = 'JSON';
  h.version = cmd.version !== undefined ? cmd.version : Version.V4_9_8;
  return Buffer.from(JSON.stringify(h), 'utf8');
}

function encodeRocketmqHeader(cmd) {
  const lang = typeof cmd.language === 'number' ? cmd.language : LANGUAGES.indexOf(cmd.language || 'JAVA');
  if (lang < 0) throw new Error(`unknown language ${cmd.language} for ROCKETMQ serialization`);
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : Buffer.alloc(0);
  const entries = [];
  for (const [k, v] of Object.entries(normalizeExtFields(cmd.extFields))) {
    const kb = Buffer.from(k, 'utf8');
    const vb = Buffer.from(v, 'utf8');
    const e = Buffer.alloc(2 + kb.length + 4 + vb.length);
    e.writeInt16BE(kb.length, 0);
    kb.copy(e, 2);
    e.writeInt32BE(vb.length, 2 + kb.length);
    vb.copy(e, 6 + kb.length);
    entries.push(e);
  }
  const ext = Buffer.concat(entries);
  const fixed = Buffer.alloc(ROCKETMQ_FIXED_HEADER - 4);
  fixed.writeInt16BE(cmd.code, 0);
  fixed.writeInt8(lang, 2);
  fixed.writeInt16BE(cmd.version !== undefined ? cmd.version : Version.V4_9_8, 3);
  fixed.writeInt32BE(cmd.opaque | 0, 5);
  fixed.writeInt32BE(cmd.flag | 0, 9);
  fixed.writeInt32BE(remark.length, 13);
  const extLen = Buffer.alloc(4);
  extLen.writeInt32BE(ext.length, 0);
  return Buffer.concat([ fixed, remark, extLen, ext ]);
}

/**
 * Encode a command into a frame.
 * @param {object} cmd see createRequest
 * @param {object} [opts] { serializeType: 'JSON' | 'ROCKETMQ', rawExtFields: send extFields values
 *   with their JavaScript types (like ali-ons does), header: a Buffer used verbatim as header }
 */
function encodeFrame(cmd, opts = {}) {
  const type = opts.serializeType === 'ROCKETMQ' || opts.serializeType === SERIALIZE_ROCKETMQ ?
    SERIALIZE_ROCKETMQ : SERIALIZE_JSON;
  const header = opts.header ? opts.header :
    type === SERIALIZE_JSON ? encodeJsonHeader(cmd, opts) : encodeRocketmqHeader(cmd);
  const body = toBuffer(cmd.body);
  const prefix = Buffer.alloc(8);
  prefix.writeInt32BE(4 + header.length + body.length, 0);
  prefix.writeUInt32BE(((type << 24) | header.length) >>> 0, 4);
  return Buffer.concat([ prefix, header, body ]);
}

// ---------------------------------------------------------------------------------------------
// Decoding

function decodeRocketmqHeader(buf) {
  if (buf.length < ROCKETMQ_FIXED_HEADER) {
    throw new ProtocolError(`ROCKETMQ header too short: ${buf.length} < ${ROCKETMQ_FIXED_HEADER}`);
  }
  let off = 0;
  const code = buf.readInt16BE(off); off += 2;
  const langByte = buf.readInt8(off); off += 1;
  const version = buf.readInt16BE(off); off += 2;
  const opaque = buf.readInt32BE(off); off += 4;
  const flag = buf.readInt32BE(off); off += 4;
  const remarkLen = buf.readInt32BE(off); off += 4;
  if (remarkLen < 0 || off + remarkLen + 4 > buf.length) {
    throw new ProtocolError(`ROCKETMQ remark length ${remarkLen} exceeds header`);
  }
  const header = {
    code,
    language: LANGUAGES[langByte] !== undefined ? LANGUAGES[langByte] : `LANG_${langByte}`,
    version,
    opaque,
    flag,
  };
  if (remarkLen > 0) header.remark = buf.toString('utf8', off, off + remarkLen);
  off += remarkLen;
  const extLen = buf.readInt32BE(off); off += 4;
  if (extLen < 0 || off + extLen !== buf.length) {
    throw new ProtocolError(`ROCKETMQ extFields length ${extLen} does not match header (${buf.length - off} left)`);
  }
  if (extLen > 0) {
    const ext = {};
    const end = off + extLen;
    while (off < end) {
      if (off + 2 > end) throw new ProtocolError('ROCKETMQ extFields entry truncated (key length)');
      const kl = buf.readInt16BE(off); off += 2;
      if (kl < 0 || off + kl + 4 > end) throw new ProtocolError('ROCKETMQ extFields key truncated');
      const key = buf.toString('utf8', off, off + kl); off += kl;
      const vl = buf.readInt32BE(off); off += 4;
      if (vl < 0 || off + vl > end) throw new ProtocolError('ROCKETMQ extFields value truncated');
      // Java decodes a zero-length value as null; last occurrence of a duplicate key wins.
      if (vl === 0) delete ext[key];
      else ext[key] = buf.toString('utf8', off, off + vl);
      off += vl;
    }
    header.extFields = ext;
  }
  return header;
}

/**
 * Decode one complete frame (including its 4-byte length prefix).
 * Returns { serializeType, header (as on the wire), code, language, version, opaque, flag, remark,
 * extFields (always an object of strings), body (Buffer), isResponse, isOneway, frameLength }.
 * Throws ProtocolError on malformed input.
 */
function decodeFrame(frame) {
  if (frame.length < 8) throw new ProtocolError(`frame too short: ${frame.length} bytes`);
  const length = frame.readInt32BE(0);
  if (length < 4) throw new ProtocolError(`frame length ${length} < 4`);
  if (length + 4 !== frame.length) {
    throw new ProtocolError(`frame length field ${length} does not match ${frame.length - 4} bytes`);
  }
  const word = frame.readUInt32BE(4);
  const type = (word >>> 24) & 0xff;
  const headerLength = word & 0x00ffffff;
  if (headerLength > length - 4) {
    throw new ProtocolError(`header length ${headerLength} larger than frame (${length - 4})`);
  }
  const headerBuf = frame.subarray(8, 8 + headerLength);
  const body = Buffer.from(frame.subarray(8 + headerLength));
  let header;
  if (type === SERIALIZE_JSON) {
    try {
      header = JSON.parse(headerBuf.toString('utf8'));
    } catch (err) {
      throw new ProtocolError(`JSON header does not parse: ${err.message}`);
    }
    if (!header || typeof header !== 'object') throw new ProtocolError('JSON header is not an object');
  } else if (type === SERIALIZE_ROCKETMQ) {
    header = decodeRocketmqHeader(headerBuf);
  } else {
    throw new ProtocolError(`unknown serialize type ${type}`);
  }
  const flag = header.flag | 0;
  return {
    serializeType: SERIALIZE_NAMES[type],
    header,
    code: header.code,
    language: header.language,
    version: header.version,
    opaque: header.opaque,
    flag,
    remark: header.remark === undefined ? null : header.remark,
    extFields: normalizeExtFields(header.extFields),
    body,
    isResponse: (flag & FLAG_RESPONSE) !== 0,
    isOneway: (flag & FLAG_ONEWAY) !== 0,
    frameLength: frame.length,
  };
}

/** Streaming frame splitter: push(chunk) returns the complete frames (Buffers) seen so far. */
class FrameSplitter {
  constructor(opts = {}) {
    this.maxFrameLength = opts.maxFrameLength || MAX_FRAME_LENGTH;
    this.chunks = [];
    this.size = 0;
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const frames = [];
    while (this.size >= 4) {
      let buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
      this.chunks = [ buf ];
      const length = buf.readInt32BE(0);
      if (length < 4 || length + 4 > this.maxFrameLength) {
        throw new ProtocolError(`bad frame length ${length}`);
      }
      if (this.size < length + 4) break;
      frames.push(Buffer.from(buf.subarray(0, length + 4)));
      buf = buf.subarray(length + 4);
      this.chunks = buf.length ? [ buf ] : [];
      this.size = buf.length;
    }
    return frames;
  }
}

// ---------------------------------------------------------------------------------------------
// Lenient JSON (fastjson dialect): accepts bare numeric map keys ({0:"a"}) and bare object keys
// ({{"brokerName":"b","queueId":0,"topic":"t"}:5}); a bare object key becomes its JSON text.

function parseFastjson(text) {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const fail = msg => { throw new SyntaxError(`${msg} at offset ${i} in ${text.slice(Math.max(0, i - 20), i + 20)}`); };
  function str() {
    const start = i;
    i++;
    let esc = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (esc) esc = false;
      else if (ch === '\\') esc = true;
      else if (ch === '"') break;
    }
    if (text[i] !== '"') fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  }
  function num() {
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('bad number');
    i += m[0].length;
    return Number(m[0]);
  }
  function value() {
    ws();
    const ch = text[i];
    if (ch === '{') return obj();
    if (ch === '[') return arr();
    if (ch === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    return num();
  }
  function key() {
    ws();
    const ch = text[i];
    if (ch === '"') return str();
    if (ch === '{') return JSON.stringify(obj());
    const m = /^[A-Za-z0-9_$.+-]+/.exec(text.slice(i));
    if (!m) fail('bad key');
    i += m[0].length;
    return m[0];
  }
  function obj() {
    i++;
    const o = {};
    ws();
    if (text[i] === '}') { i++; return o; }
    for (;;) {
      const k = key();
      ws();
      if (text[i] !== ':') fail('expected :');
      i++;
      o[k] = value();
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; return o; }
      fail('expected , or }');
    }
  }
  function arr() {
    i++;
    const a = [];
    ws();
    if (text[i] === ']') { i++; return a; }
    for (;;) {
      a.push(value());
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; return a; }
      fail('expected , or ]');
    }
  }
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

// ---------------------------------------------------------------------------------------------
// Connection

class RemotingTimeoutError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RemotingTimeoutError';
  }
}

class ConnectionClosedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConnectionClosedError';
    this.code = 'ECONNCLOSED';
  }
}

/**
 * One TCP connection speaking the remoting protocol.
 * Events: 'request' (frame the server sent us as a request), 'unmatched' (response with an
 * opaque nobody waits for), 'protocolError' (err; the connection is then destroyed), 'close'.
 */
class RemotingConnection extends EventEmitter {
  constructor(socket, opts = {}) {
    super();
    this.socket = socket;
    this.address = `${socket.remoteAddress}:${socket.remotePort}`;
    this.defaultTimeoutMs = opts.timeoutMs || 3000;
    this.serializeType = opts.serializeType || 'JSON';
    this.pending = new Map();
    this.received = []; // every decoded frame, for debugging
    this.splitter = new FrameSplitter();
    this.closed = false;
    this.closeError = null;
    this.closedPromise = new Promise(resolve => { this._resolveClosed = resolve; });
    socket.setNoDelay(true);
    socket.on('data', chunk => this._onData(chunk));
    socket.on('error', err => { this.closeError = err; });
    socket.on('close', () => this._onClose());
  }

  static connect(target, opts = {}) {
    const { host, port } = parseAddr(target);
    const timeoutMs = opts.connectTimeoutMs || 3000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingTimeoutError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', err => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RemotingConnection(socket, opts));
      });
    });
  }

  _onData(chunk) {
    let frames;
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this._protocolError(err);
      return;
    }
    for (const f of frames) {
      let cmd;
      try {
        cmd = decodeFrame(f);
      } catch (err) {
        this._protocolError(err);
        return;
      }
      this.received.push(cmd);
      if (cmd.isResponse) {
        const p = this.pending.get(cmd.opaque);
        if (p) {
          this.pending.delete(cmd.opaque);
          clearTimeout(p.timer);
          p.resolve(cmd);
        } else {
          this.emit('unmatched', cmd);
        }
      } else {
        this.emit('request', cmd);
      }
    }
  }

  _protocolError(err) {
    this.closeError = err;
    if (this.listenerCount('protocolError')) this.emit('protocolError', err);
    this.socket.destroy();
  }

  _onClose() {
    if (this.closed) return;
    this.closed = true;
    const err = new ConnectionClosedError(`connection to ${this.address} closed` +
      (this.closeError ? `: ${this.closeError.message}` : ''));
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this._resolveClosed();
    this.emit('close');
  }

  /** Send a request and wait for the response with the same opaque. */
  request(cmd, opts = {}) {
    if (this.closed) return Promise.reject(new ConnectionClosedError(`connection to ${this.address} is closed`));
    const timeoutMs = opts.timeoutMs || this.defaultTimeoutMs;
    const frame = encodeFrame(cmd, { ...opts, serializeType: opts.serializeType || this.serializeType });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cmd.opaque);
        reject(new RemotingTimeoutError(`no response to code ${cmd.code} (opaque ${cmd.opaque}) ` +
          `from ${this.address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(cmd.opaque, { resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  /** Send a oneway request (sets flag bit 1); nothing is awaited. */
  oneway(cmd, opts = {}) {
    if (this.closed) throw new ConnectionClosedError(`connection to ${this.address} is closed`);
    cmd.flag = (cmd.flag || 0) | FLAG_ONEWAY;
    this.socket.write(encodeFrame(cmd, { ...opts, serializeType: opts.serializeType || this.serializeType }));
  }

  /**
   * Answer a request the peer sent us (broker -> client requests such as CHECK_TRANSACTION_STATE
   * or RESET_CONSUMER_CLIENT_OFFSET) on this connection: same opaque, response flag set, in the
   * request's serialization. Oneway requests get no answer (as Java); returns false then.
   * @param {object} request a decoded frame from the 'request' event
   * @param {number} code response code
   * @param {object} [opts] { extFields, body, remark, language, version }
   */
  respond(request, code, opts = {}) {
    if (request.isOneway || this.closed) return false;
    const cmd = {
      code,
      language: opts.language || 'JAVA',
      version: opts.version !== undefined ? opts.version : Version.V4_9_8,
      opaque: request.opaque,
      flag: FLAG_RESPONSE,
      remark: opts.remark,
      extFields: opts.extFields,
      body: toBuffer(opts.body),
    };
    this.socket.write(encodeFrame(cmd, { serializeType: request.serializeType || this.serializeType }));
    return true;
  }

  /**
   * Resolves with the next request from the peer for which pred(cmd) is true (requests already
   * received count too when opts.includeSeen); rejects after timeoutMs.
   */
  waitRequest(pred = () => true, { timeoutMs = this.defaultTimeoutMs, includeSeen = false } = {}) {
    if (includeSeen) {
      const seen = this.received.find(c => !c.isResponse && pred(c));
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const onRequest = cmd => {
        if (!pred(cmd)) return;
        cleanup();
        resolve(cmd);
      };
      const onClose = () => {
        cleanup();
        reject(new ConnectionClosedError(`connection to ${this.address} closed while waiting for a request`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new RemotingTimeoutError(`no matching request from ${this.address} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('request', onRequest);
        this.off('close', onClose);
      };
      this.on('request', onRequest);
      this.on('close', onClose);
    });
  }

  /** Write raw bytes (e.g. malformed frames). */
  writeRaw(buf) {
    this.socket.write(buf);
  }

  /** Resolves true when the connection is closed within timeoutMs, false otherwise. */
  waitClosed(timeoutMs) {
    if (this.closed) return Promise.resolve(true);
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.closedPromise.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close() {
    if (!this.closed) this.socket.destroy();
    return this.closedPromise;
  }
}

function parseAddr(target) {
  if (typeof target === 'object') return { host: target.host || '127.0.0.1', port: Number(target.port) };
  const idx = String(target).lastIndexOf(':');
  return { host: target.slice(0, idx), port: Number(target.slice(idx + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Name server helpers (playing a broker; see shared/protocol/namesrv.md 3.2-3.4, 4.5)

function topicConfig(t) {
  // TopicConfig members in fastjson's sorted order.
  return {
    order: !!t.order,
    perm: t.perm !== undefined ? t.perm : Perm.READ | Perm.WRITE,
    readQueueNums: t.readQueueNums !== undefined ? t.readQueueNums : 4,
    topicFilterType: t.topicFilterType || 'SINGLE_TAG',
    topicName: t.topicName,
    topicSysFlag: t.topicSysFlag || 0,
    writeQueueNums: t.writeQueueNums !== undefined ? t.writeQueueNums : 4,
  };
}

/**
 * Build a RegisterBrokerBody.
 * @param {object} opts { topics: [{topicName, readQueueNums, writeQueueNums, perm, ...}],
 *   dataVersion: {counter, timestamp}, filterServerList: [], compressed: false }
 * @return {Buffer}
 */
function buildRegisterBrokerBody(opts) {
  const dataVersion = opts.dataVersion || { counter: 1, timestamp: Date.now() };
  const topics = (opts.topics || []).map(topicConfig);
  const filterServerList = opts.filterServerList || [];
  if (!opts.compressed) {
    const table = {};
    for (const t of topics) table[t.topicName] = t;
    return Buffer.from(JSON.stringify({
      filterServerList,
      topicConfigSerializeWrapper: {
        dataVersion: { counter: dataVersion.counter, timestamp: dataVersion.timestamp },
        topicConfigTable: table,
      },
    }), 'utf8');
  }
  // Compressed form: zlib stream of length-prefixed parts (namesrv.md 4.5).
  const parts = [];
  const lenPrefixed = b => {
    const l = Buffer.alloc(4);
    l.writeInt32BE(b.length, 0);
    parts.push(l, b);
  };
  lenPrefixed(Buffer.from(JSON.stringify({ counter: dataVersion.counter, timestamp: dataVersion.timestamp })));
  const n = Buffer.alloc(4);
  n.writeInt32BE(topics.length, 0);
  parts.push(n);
  for (const t of topics) {
    lenPrefixed(Buffer.from(`${t.topicName} ${t.readQueueNums} ${t.writeQueueNums} ${t.perm} ${t.topicFilterType}`));
  }
  lenPrefixed(Buffer.from(JSON.stringify(filterServerList)));
  return zlib.deflateSync(Buffer.concat(parts), { level: 9 });
}

/**
 * Build a REGISTER_BROKER request.
 * @param {object} b { brokerName, brokerAddr, clusterName, haServerAddr, brokerId (0), topics,
 *   dataVersion, compressed, oneway, version (409), bodyCrc32 (override; default computed) }
 */
function registerBrokerRequest(b) {
  const body = b.body || buildRegisterBrokerBody(b);
  const ext = {
    brokerId: String(b.brokerId || 0),
    bodyCrc32: String(b.bodyCrc32 !== undefined ? b.bodyCrc32 : bodyCrc32(body)),
    clusterName: b.clusterName,
    brokerAddr: b.brokerAddr,
    haServerAddr: b.haServerAddr || haAddrOf(b.brokerAddr),
    compressed: String(!!b.compressed),
    brokerName: b.brokerName,
  };
  return createRequest(RequestCode.REGISTER_BROKER, ext, {
    body, version: b.version, oneway: b.oneway,
  });
}

function haAddrOf(addr) {
  const { host, port } = parseAddr(addr);
  return `${host}:${port + 1}`;
}

function unregisterBrokerRequest(b) {
  return createRequest(RequestCode.UNREGISTER_BROKER, {
    brokerId: String(b.brokerId || 0),
    clusterName: b.clusterName,
    brokerAddr: b.brokerAddr,
    brokerName: b.brokerName,
  }, { version: b.version });
}

function routeRequest(topic, opts = {}) {
  const ext = { topic };
  if (opts.acceptStandardJsonOnly !== undefined) ext.acceptStandardJsonOnly = String(opts.acceptStandardJsonOnly);
  return createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, ext, { version: opts.version });
}

/** Ask for a route; returns { response, bodyText, route (parsed leniently, or null) }. */
async function getRouteInfo(conn, topic, opts = {}) {
  const response = await conn.request(routeRequest(topic, opts), opts);
  const bodyText = response.body.length ? response.body.toString('utf8') : null;
  const route = response.code === ResponseCode.SUCCESS && bodyText ? parseFastjson(bodyText) : null;
  return { response, bodyText, route };
}

module.exports = {
  SERIALIZE_JSON,
  SERIALIZE_ROCKETMQ,
  FLAG_RESPONSE,
  FLAG_ONEWAY,
  MAX_FRAME_LENGTH,
  LANGUAGES,
  RequestCode,
  ResponseCode,
  Version,
  Perm,
  ProtocolError,
  RemotingTimeoutError,
  ConnectionClosedError,
  crc32,
  bodyCrc32,
  createRequest,
  encodeFrame,
  decodeFrame,
  decodeRocketmqHeader,
  FrameSplitter,
  parseFastjson,
  RemotingConnection,
  parseAddr,
  buildRegisterBrokerBody,
  registerBrokerRequest,
  unregisterBrokerRequest,
  routeRequest,
  getRouteInfo,
};
