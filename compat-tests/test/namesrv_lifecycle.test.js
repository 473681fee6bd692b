'use strict';

// The mqnamesrv process contract: `mqnamesrv -c <file>`, prints "The Name Server boot success",
// serves on listenPort (loopback), exits cleanly (code 0) on SIGTERM.

const { describe, it, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const r = require('../lib/remoting');
const { startNameServer, dumpOnFailure } = require('../lib/harness');

describe('mqnamesrv process', () => {
  let ns = null;
  afterEach(async t => {
    dumpOnFailure(t, ns);
    if (ns && ns.running) await ns.stop();
    ns = null;
  });

  it('boots on the configured port and exits with code 0 on SIGTERM', async () => {
    ns = await startNameServer();
    const conn = await r.RemotingConnection.connect(ns.addr);
    const { response } = await r.getRouteInfo(conn, 'LifecycleNoTopic');
    assert.equal(response.code, r.ResponseCode.TOPIC_NOT_EXIST, `${response.code} ${response.remark}`);
    assert.ok(response.isResponse);
    // Stop while a client is still connected.
    const res = await ns.stop({ timeoutMs: 10000 });
    assert.equal(res.forced, false, 'mqnamesrv did not exit within 10 s of SIGTERM (killed)');
    assert.equal(res.signal, null, `mqnamesrv died from signal ${res.signal} instead of exiting`);
    assert.equal(res.code, 0, `mqnamesrv exited with code ${res.code} after SIGTERM`);
    assert.ok(await conn.waitClosed(3000), 'client connection not closed after shutdown');
  });

  it('runs two instances side by side on different ports', async () => {
    ns = await startNameServer();
    const other = await startNameServer();
    try {
      assert.notEqual(ns.port, other.port);
      for (const inst of [ ns, other ]) {
        const conn = await r.RemotingConnection.connect(inst.addr);
        const { response } = await r.getRouteInfo(conn, 'TBW102');
        assert.equal(response.code, r.ResponseCode.TOPIC_NOT_EXIST);
        await conn.close();
      }
    } catch (err) {
      other.dumpOutput('second instance');
      throw err;
    } finally {
      await other.stop();
    }
  });
});
