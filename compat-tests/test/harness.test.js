'use strict';

// Self-test of lib/harness.js with tiny stand-in executables (generated in a temp dir), so the
// process handling is checked even where the C++ binaries are not built yet.

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const h = require('../lib/harness');

const tmp = h.makeTempDir('harness-selftest');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Stand-in server: reads listenPort from the -c file, listens, prints the ready line, exits 0 on
// SIGTERM. FAKE_MODE selects misbehaviour.
const FAKE = `#!${process.execPath}
'use strict';
const fs = require('fs');
const net = require('net');
const args = process.argv.slice(2);
const conf = fs.readFileSync(args[args.indexOf('-c') + 1], 'utf8');
const port = Number(/^listenPort=(\\d+)$/m.exec(conf)[1]);
const mode = process.env.FAKE_MODE || 'ok';
if (mode === 'crash') {
  console.log('starting');
  console.error('fatal: cannot open store');
  process.exit(3);
}
if (mode === 'busy-once' && !fs.existsSync(process.env.FAKE_MARKER)) {
  fs.writeFileSync(process.env.FAKE_MARKER, 'x');
  console.error('bind failed: Address already in use (EADDRINUSE)');
  process.exit(1);
}
const srv = net.createServer(s => s.destroy());
process.on('SIGTERM', () => srv.close(() => process.exit(0)));
if (mode === 'no-listen') {
  console.log('The Name Server boot success. serializeType=JSON');
  setInterval(() => {}, 1000);
} else {
  srv.listen(port, '127.0.0.1', () => console.log('The Name Server boot success. serializeType=JSON'));
}
`;
const fakeBin = path.join(tmp, 'mqnamesrv');
fs.writeFileSync(fakeBin, FAKE, { mode: 0o755 });

describe('harness', () => {
  it('fails with a clear message when the binary is missing', () => {
    const saved = process.env.RMQ_BIN_DIR;
    process.env.RMQ_BIN_DIR = path.join(tmp, 'empty');
    try {
      assert.throws(() => h.requireBinary('mqnamesrv'), err => {
        assert.match(err.message, /mqnamesrv binary not found at .*empty\/mqnamesrv/);
        assert.match(err.message, /RMQ_BIN_DIR/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.RMQ_BIN_DIR;
      else process.env.RMQ_BIN_DIR = saved;
    }
  });

  it('starts a server on a free loopback port with its own config and stops it with SIGTERM', async () => {
    const ns = await h.startNameServer({ bin: fakeBin });
    try {
      assert.ok(ns.port > 0);
      assert.equal(ns.addr, `127.0.0.1:${ns.port}`);
      const conf = fs.readFileSync(ns.configFile, 'utf8');
      assert.match(conf, new RegExp(`^listenPort=${ns.port}$`, 'm'));
      assert.match(conf, new RegExp(`^kvConfigPath=${ns.dir}/kvConfig.json$`, 'm'));
      assert.match(conf, new RegExp(`^configStorePath=${ns.dir}/namesrv.properties$`, 'm'));
      assert.match(ns.proc.stdout, /The Name Server boot success/);
      await new Promise((resolve, reject) => {
        const s = net.connect(ns.port, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.on('error', reject);
      });
    } finally {
      const res = await ns.stop();
      assert.deepEqual([ res.code, res.forced ], [ 0, false ]);
    }
    assert.ok(!fs.existsSync(ns.dir), 'temp dir not removed after a clean stop');
  });

  it('retries on EADDRINUSE with a new port', async () => {
    const marker = path.join(tmp, 'busy-marker');
    const ns = await h.startNameServer({ bin: fakeBin, env: { FAKE_MODE: 'busy-once', FAKE_MARKER: marker } });
    try {
      assert.ok(fs.existsSync(marker), 'first attempt did not run');
      assert.match(ns.proc.name, /attempt 2/);
    } finally {
      await ns.stop();
    }
  });

  it('reports the output of a server that exits before it is ready', async () => {
    await assert.rejects(h.startNameServer({ bin: fakeBin, env: { FAKE_MODE: 'crash' } }), err => {
      assert.equal(err.name, 'StartError');
      assert.match(err.message, /exited \(code 3\)/);
      assert.match(err.message, /starting/);
      assert.match(err.message, /fatal: cannot open store/);
      return true;
    });
  });

  it('fails when the ready line comes but the port never accepts connections', async () => {
    await assert.rejects(h.startNameServer({ bin: fakeBin, env: { FAKE_MODE: 'no-listen' }, timeoutMs: 1500 }),
      /not accepting connections/);
  });

  it('finds a port group for the broker (listenPort - 2, listenPort, listenPort + 1)', async () => {
    const p = await h.freePortWithOffsets([ -2, 0, 1 ]);
    for (const x of [ p - 2, p, p + 1 ]) assert.ok(await h.isPortFree(x), `port ${x} not free`);
  });

  it('writes Java properties files', () => {
    const file = path.join(tmp, 'x.properties');
    h.writeProperties(file, { a: 1, b: 'x y', skipped: undefined, p: '/tmp/a b' });
    assert.equal(fs.readFileSync(file, 'utf8'), 'a=1\nb=x y\np=/tmp/a b\n');
  });
});
