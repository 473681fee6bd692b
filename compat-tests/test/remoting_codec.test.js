'use strict';

// Unit tests of lib/remoting.js: no server needed. The capture part decodes every frame recorded
// from the real Java 4.9.8 system (shared/compat/captures, or $RMQ_COMPAT_DATA/captures).

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const r = require('../lib/remoting');
const { capturesDir, captureFiles } = require('../lib/paths');

function* captureFrames(files) {
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      yield { where: `${path.basename(file)}:${i + 1}`, rec: JSON.parse(lines[i]) };
    }
  }
}

describe('remoting codec', () => {
  it('encodes the documented GET_ROUTEINFO_BY_TOPIC example (remoting.md section 2)', () => {
    const cmd = r.createRequest(105, { topic: 'T' }, { opaque: 1, version: 409 });
    const bin = r.encodeFrame(cmd, { serializeType: 'ROCKETMQ' });
    assert.equal(bin.toString('hex'),
      '00000025' + '01000021' + '0069' + '00' + '0199' + '00000001' + '00000000' + '00000000' +
      '0000000c' + '0005' + Buffer.from('topic').toString('hex') + '00000001' + '54');
    const json = r.encodeFrame(cmd, { serializeType: 'JSON' });
    assert.equal(json.subarray(0, 8).toString('hex'), '0000007f0000007b');
    assert.equal(json.subarray(8).toString(),
      '{"code":105,"extFields":{"topic":"T"},"flag":0,"language":"JAVA","opaque":1,' +
      '"serializeTypeCurrentRPC":"JSON","version":409}');
    for (const frame of [ bin, json ]) {
      const d = r.decodeFrame(frame);
      assert.equal(d.code, 105);
      assert.equal(d.opaque, 1);
      assert.equal(d.version, 409);
      assert.equal(d.language, 'JAVA');
      assert.deepEqual(d.extFields, { topic: 'T' });
      assert.equal(d.body.length, 0);
      assert.equal(d.isResponse, false);
    }
  });

  it('normalizes ali-ons style unquoted extFields values to strings', () => {
    const cmd = r.createRequest(11, { queueId: 0, unitMode: false, nothing: null, topic: 'x' }, { version: 121 });
    const frame = r.encodeFrame(cmd, { rawExtFields: true });
    assert.match(frame.toString('utf8', 8), /"queueId":0,"unitMode":false/);
    assert.deepEqual(r.decodeFrame(frame).extFields, { queueId: '0', unitMode: 'false', topic: 'x' });
  });

  it('rejects malformed frames', () => {
    const bad = Buffer.alloc(12);
    bad.writeInt32BE(8, 0);
    bad.writeUInt32BE(100, 4); // header length 100 > 4 bytes available
    assert.throws(() => r.decodeFrame(bad), r.ProtocolError);
    const badType = r.encodeFrame(r.createRequest(105, { topic: 'T' }));
    badType[4] = 7;
    assert.throws(() => r.decodeFrame(badType), /serialize type/);
    const badJson = r.encodeFrame(r.createRequest(105, null), { header: Buffer.from('{nope') });
    assert.throws(() => r.decodeFrame(badJson), /JSON header/);
    const splitter = new r.FrameSplitter();
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(r.MAX_FRAME_LENGTH, 0);
    assert.throws(() => splitter.push(huge), /bad frame length/);
  });

  it('splits a byte stream cut at arbitrary points', () => {
    const frames = [];
    for (let i = 0; i < 20; i++) {
      frames.push(r.encodeFrame(r.createRequest(105 + i, { topic: `T${i}` }, { body: 'x'.repeat(i * 7) }),
        { serializeType: i % 2 ? 'ROCKETMQ' : 'JSON' }));
    }
    const stream = Buffer.concat(frames);
    for (const step of [ 1, 3, 17, 1000 ]) {
      const s = new r.FrameSplitter();
      const out = [];
      for (let off = 0; off < stream.length; off += step) out.push(...s.push(stream.subarray(off, off + step)));
      assert.equal(out.length, frames.length, `step ${step}`);
      out.forEach((f, i) => assert.ok(f.equals(frames[i])));
    }
  });

  it('parses fastjson bodies with bare numeric and object keys', () => {
    const route = r.parseFastjson('{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},' +
      '"brokerName":"b","cluster":"c"}],"filterServerTable":{},"queueDatas":[]}');
    assert.deepEqual(route.brokerDatas[0].brokerAddrs, { 0: '127.0.0.1:10911', 1: '127.0.0.1:10921' });
    const reset = r.parseFastjson('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:12}}');
    assert.deepEqual(reset, { offsetTable: { '{"brokerName":"b","queueId":0,"topic":"t"}': 12 } });
  });

  it('builds the compressed RegisterBrokerBody layout (namesrv.md 4.5)', () => {
    const body = r.buildRegisterBrokerBody({
      compressed: true,
      dataVersion: { counter: 2, timestamp: 1700000000000 },
      topics: [ { topicName: 'TBW102', readQueueNums: 8, writeQueueNums: 8, perm: 7 } ],
    });
    const raw = zlib.inflateSync(body);
    let off = 0;
    const next = () => {
      const l = raw.readInt32BE(off);
      const s = raw.toString('utf8', off + 4, off + 4 + l);
      off += 4 + l;
      return s;
    };
    assert.deepEqual(JSON.parse(next()), { counter: 2, timestamp: 1700000000000 });
    assert.equal(raw.readInt32BE(off), 1);
    off += 4;
    assert.equal(next(), 'TBW102 8 8 7 SINGLE_TAG');
    assert.equal(next(), '[]');
    assert.equal(off, raw.length);
  });
});

describe('remoting codec against Java 4.9.8 captures', () => {
  const files = captureFiles();
  const skip = files ? false : `capture directory ${capturesDir()} not found (set RMQ_COMPAT_DATA to the shared compat dir)`;

  it('decodes every frameBase64 and re-encodes it byte for byte', { skip }, () => {
    let count = 0;
    const types = { JSON: 0, ROCKETMQ: 0 };
    for (const { where, rec } of captureFrames(files)) {
      const frame = Buffer.from(rec.frameBase64, 'base64');
      let d;
      try {
        d = r.decodeFrame(frame);
      } catch (err) {
        assert.fail(`${where}: ${err.message}`);
      }
      const expectedHeader = { ...rec.header };
      // The capture decoder adds this member to ROCKETMQ headers; it is not on the wire.
      if (rec.serialize === 'ROCKETMQ') delete expectedHeader.serializeTypeCurrentRPC;
      assert.deepEqual(d.header, expectedHeader, where);
      assert.equal(d.serializeType, rec.serialize, where);
      assert.equal(d.code, rec.code, where);
      assert.equal(d.opaque, rec.opaque, where);
      assert.equal(d.flag, rec.flag, where);
      assert.equal(d.isResponse, rec.isResponse, where);
      assert.equal(d.isOneway, rec.oneway, where);
      assert.equal(d.body.length, rec.bodyLength, where);
      if (rec.bodyBase64 !== null && rec.bodyBase64 !== undefined) {
        assert.equal(d.body.toString('base64'), rec.bodyBase64, where);
      }
      // Our encoder (fastjson key order / binary layout) reproduces Java's bytes.
      const again = r.encodeFrame({
        code: d.code, language: d.language, version: d.version, opaque: d.opaque, flag: d.flag,
        remark: d.header.remark, extFields: d.header.extFields, body: d.body,
      }, { serializeType: d.serializeType });
      assert.ok(again.equals(frame), `${where}: re-encoded frame differs`);
      types[d.serializeType]++;
      count++;
    }
    assert.ok(count > 0, 'no frames found in captures');
    assert.ok(types.JSON > 0 && types.ROCKETMQ > 0, `expected both serializations, got ${JSON.stringify(types)}`);
  });

  it('splits each connection direction back into the captured frames', { skip }, () => {
    const streams = new Map();
    for (const { where, rec } of captureFrames(files)) {
      const key = `${where.split(':')[0]}/${rec.conn}/${rec.from}`;
      if (!streams.has(key)) streams.set(key, []);
      streams.get(key).push(Buffer.from(rec.frameBase64, 'base64'));
    }
    for (const [ key, frames ] of streams) {
      const splitter = new r.FrameSplitter();
      const stream = Buffer.concat(frames);
      const out = [];
      for (let off = 0; off < stream.length; off += 1400) out.push(...splitter.push(stream.subarray(off, off + 1400)));
      assert.equal(out.length, frames.length, key);
      assert.equal(splitter.size, 0, key);
    }
  });

  it('matches REGISTER_BROKER bodies and bodyCrc32 of the Java broker', { skip }, () => {
    let n = 0;
    for (const { where, rec } of captureFrames(files)) {
      if (rec.isResponse || rec.code !== r.RequestCode.REGISTER_BROKER) continue;
      const d = r.decodeFrame(Buffer.from(rec.frameBase64, 'base64'));
      assert.equal(Number(d.extFields.bodyCrc32), r.bodyCrc32(d.body), `${where}: crc`);
      const body = JSON.parse(d.body.toString('utf8'));
      const w = body.topicConfigSerializeWrapper;
      const rebuilt = r.buildRegisterBrokerBody({
        topics: Object.values(w.topicConfigTable), dataVersion: w.dataVersion, filterServerList: body.filterServerList,
      });
      assert.ok(rebuilt.equals(d.body), `${where}: rebuilt RegisterBrokerBody differs`);
      const req = r.registerBrokerRequest({
        brokerName: d.extFields.brokerName, brokerAddr: d.extFields.brokerAddr,
        clusterName: d.extFields.clusterName, haServerAddr: d.extFields.haServerAddr,
        brokerId: Number(d.extFields.brokerId), body: d.body,
      });
      assert.deepEqual(req.extFields, d.extFields, `${where}: header fields`);
      n++;
    }
    assert.ok(n > 0, 'no REGISTER_BROKER request in captures');
  });

  it('parses every JSON response body (fastjson dialect included)', { skip }, () => {
    let bare = 0;
    for (const { where, rec } of captureFrames(files)) {
      if (!rec.isResponse || !rec.bodyText) continue;
      if (rec.reqCode === 26 || rec.reqCodeName === 'GET_BROKER_CONFIG') continue; // properties text
      let standard = true;
      try {
        JSON.parse(rec.bodyText);
      } catch {
        standard = false;
      }
      if (standard) continue;
      assert.doesNotThrow(() => r.parseFastjson(rec.bodyText), where);
      bare++;
    }
    assert.ok(bare > 0, 'expected some non-standard (bare key) bodies in the captures');
  });
});
