'use strict';

// Starts and stops the built C++ servers for the compatibility tests.
//
//   mqnamesrv -c <namesrv.conf>                      ready line: "The Name Server boot success"
//   mqbroker  -c <broker.conf> -n <namesrvAddr>      ready line contains "boot success"
//
// Binaries are looked up in $RMQ_BIN_DIR or <repo>/build/bin. A missing binary is an error (the
// tests fail, they do not skip): CI always builds before it runs these tests.
// Every instance gets a fresh temp dir holding its config file and data files; the dir is removed
// on a clean stop unless RMQ_KEEP_TMP=1.

const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { binDir } = require('./paths');

const HOST = '127.0.0.1';
const DEFAULT_READY_TIMEOUT_MS = Number(process.env.RMQ_START_TIMEOUT_MS) || 20000;
const DEFAULT_STOP_TIMEOUT_MS = 10000;
const ADDR_IN_USE = /EADDRINUSE|address already in use|Address in use/i;

const running = new Set();
process.on('exit', () => {
  // Safety net: never leave a server behind when a test file ends abnormally.
  for (const p of running) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

class StartError extends Error {
  constructor(message, info = {}) {
    super(message);
    this.name = 'StartError';
    Object.assign(this, info);
  }
}

/** Path of a built binary; throws a clear error when it is missing or not executable. */
function requireBinary(name) {
  const dir = binDir();
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    throw new StartError(`${name} binary not found at ${file}. Build the C++ project first ` +
      `(it must produce ${path.join('build', 'bin', name)}) or set RMQ_BIN_DIR to the directory holding ${name}.`,
    { binaryMissing: true });
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new StartError(`${name} at ${file} is not executable`, { binaryMissing: true });
  }
  return file;
}

/** A port that was free a moment ago on 127.0.0.1 (listen on 0, read it, close). */
function freePort(host = HOST) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function isPortFree(port, host = HOST) {
  return new Promise(resolve => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A free base port p such that p + each offset is free too (e.g. a broker needs
 * listenPort - 2 (fast port), listenPort and listenPort + 1 (HA port)).
 */
async function freePortWithOffsets(offsets, host = HOST) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await freePort(host);
    const ports = offsets.map(o => p + o);
    if (ports.some(x => x < 1024 || x > 65535)) continue;
    let ok = true;
    for (const x of ports) {
      if (x !== p && !(await isPortFree(x, host))) {
        ok = false;
        break;
      }
    }
    if (ok) return p;
  }
  throw new Error(`no free port group for offsets ${offsets.join(',')}`);
}

/** Resolves when a TCP connect to host:port succeeds; rejects after timeoutMs. */
async function waitForPort(port, host = HOST, timeoutMs = 10000, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = null;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('process exited while waiting for its port');
    const ok = await new Promise(resolve => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', err => {
        lastErr = err;
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`port ${host}:${port} not accepting connections after ${timeoutMs} ms` +
    (lastErr ? ` (${lastErr.code || lastErr.message})` : ''));
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rmq-compat-${prefix}-`));
}

/** Write a Java-properties file (key=value lines). */
function writeProperties(file, props) {
  const esc = s => String(s).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/^\s/, m => `\\${m}`);
  const lines = Object.entries(props)
    .filter(([ , v ]) => v !== undefined && v !== null)
    .map(([ k, v ]) => `${k.replace(/([=: \\])/g, '\\$1')}=${esc(v)}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** A spawned server process with captured output. */
class ManagedProcess {
  constructor({ name, bin, args, cwd, env, dir }) {
    this.name = name;
    this.bin = bin;
    this.args = args;
    this.dir = dir;
    this.stdout = '';
    this.stderr = '';
    this.exit = null; // { code, signal } once exited
    this.dumpedUpTo = { stdout: 0, stderr: 0 };
    this.expectExit = false;
    this._outputWaiters = [];
    this.child = spawn(bin, args, {
      cwd: cwd || dir || process.cwd(),
      env: { ...process.env, ...(env || {}) },
      stdio: [ 'ignore', 'pipe', 'pipe' ],
    });
    this.pid = this.child.pid;
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', d => {
      this.stdout += d;
      this._onOutput();
    });
    this.child.stderr.on('data', d => {
      this.stderr += d;
      this._onOutput();
    });
    this.spawnError = null;
    this.exited = new Promise(resolve => {
      this.child.once('error', err => {
        this.spawnError = err;
        if (!this.exit) {
          this.exit = { code: null, signal: null, error: err };
          running.delete(this);
          resolve(this.exit);
        }
      });
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        resolve(this.exit);
      });
    });
    running.add(this);
  }

  get running() {
    return !this.exit;
  }

  _onOutput() {
    for (const w of this._outputWaiters.slice()) w();
  }

  /** Wait until the regexp matches the captured output of the given streams. */
  waitForOutput(regex, { timeoutMs = DEFAULT_READY_TIMEOUT_MS, streams = [ 'stdout' ] } = {}) {
    const matches = () => streams.some(s => regex.test(this[s]));
    return new Promise((resolve, reject) => {
      if (matches()) return resolve();
      let timer = null;
      const done = (err) => {
        clearTimeout(timer);
        this._outputWaiters = this._outputWaiters.filter(w => w !== check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (matches()) done();
      };
      this._outputWaiters.push(check);
      timer = setTimeout(() => done(new Error(`no output matching ${regex} within ${timeoutMs} ms`)), timeoutMs);
      this.exited.then(exit => {
        // Give the last output chunks a chance to arrive before deciding.
        setImmediate(() => {
          if (matches()) done();
          else done(new Error(`exited (${describeExit(exit)}) before printing ${regex}`));
        });
      });
    });
  }

  /** Stop with SIGTERM (default); SIGKILL after timeoutMs. Returns { code, signal, forced }. */
  async stop({ signal = 'SIGTERM', timeoutMs = DEFAULT_STOP_TIMEOUT_MS } = {}) {
    this.expectExit = true;
    if (this.exit) return { ...this.exit, forced: false, alreadyExited: true };
    try {
      this.child.kill(signal);
    } catch {
      // ignore
    }
    let timer;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise(resolve => { timer = setTimeout(() => resolve(true), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return { ...this.exit, forced: false };
    this.child.kill('SIGKILL');
    await this.exited;
    return { ...this.exit, forced: true };
  }

  /** Captured output as printable text. */
  output({ sinceLastDump = false } = {}) {
    const part = s => (sinceLastDump ? this[s].slice(this.dumpedUpTo[s]) : this[s]);
    const status = this.exit ? `exited: ${describeExit(this.exit)}` : `running (pid ${this.pid})`;
    return [
      `===== ${this.name} [${this.bin} ${this.args.join(' ')}] ${status}; dir ${this.dir || '-'}`,
      `----- ${this.name} stdout${sinceLastDump && this.dumpedUpTo.stdout ? ' (continued)' : ''} -----`,
      tail(part('stdout')),
      `----- ${this.name} stderr${sinceLastDump && this.dumpedUpTo.stderr ? ' (continued)' : ''} -----`,
      tail(part('stderr')),
      `===== end of ${this.name} output`,
    ].join('\n');
  }

  /** Print the output not printed yet to stderr (used when a test failed). */
  dumpOutput(reason) {
    const text = this.output({ sinceLastDump: true });
    this.dumpedUpTo = { stdout: this.stdout.length, stderr: this.stderr.length };
    process.stderr.write(`\n${reason ? `[${reason}] ` : ''}${text}\n`);
  }
}

function tail(s, max = 64 * 1024) {
  if (!s) return '(empty)';
  return s.length > max ? `... (${s.length - max} bytes cut)\n${s.slice(-max)}` : s.replace(/\n$/, '');
}

function describeExit(exit) {
  if (!exit) return 'running';
  if (exit.error) return `spawn error ${exit.error.message}`;
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/**
 * Start a process and wait until it is ready: readyRegex seen on its output and (if port is given)
 * a TCP connect to host:port succeeds. On failure the process is killed and a StartError carrying
 * its output is thrown; err.addrInUse tells whether the output mentions EADDRINUSE.
 *
 * @param {object} o { name, bin, args, cwd, env, dir, readyRegex, readyStreams (['stdout']),
 *   port, host, timeoutMs }
 * @return {Promise<ManagedProcess>}
 */
async function startProcess(o) {
  const timeoutMs = o.timeoutMs || DEFAULT_READY_TIMEOUT_MS;
  const started = Date.now();
  const proc = new ManagedProcess(o);
  try {
    if (o.readyRegex) {
      await proc.waitForOutput(o.readyRegex, { timeoutMs, streams: o.readyStreams || [ 'stdout' ] });
    }
    if (o.port) {
      const left = Math.max(1000, timeoutMs - (Date.now() - started));
      await waitForPort(o.port, o.host || HOST, left, () => proc.running);
    }
  } catch (err) {
    await proc.stop({ signal: 'SIGKILL', timeoutMs: 2000 });
    const all = proc.stdout + proc.stderr;
    const streams = o.readyStreams || [ 'stdout' ];
    const hint = o.readyRegex && !streams.includes('stderr') && o.readyRegex.test(proc.stderr) ?
      ` (the ready line was printed to stderr, the contract says ${streams.join('/')})` : '';
    throw new StartError(`${o.name} did not start: ${err.message}${hint}\n${proc.output()}`, {
      addrInUse: ADDR_IN_USE.test(all),
      proc,
    });
  }
  return proc;
}

/** Run start(attempt) again (fresh port) when it failed with EADDRINUSE. */
async function withPortRetry(start, attempts = 3) {
  let lastErr;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await start(i);
    } catch (err) {
      lastErr = err;
      if (!err.addrInUse) throw err;
    }
  }
  throw lastErr;
}

/** Base class of a started server: process, port, dir, stop(), output helpers. */
class ServerInstance {
  constructor({ proc, port, host, dir, configFile, config }) {
    this.proc = proc;
    this.port = port;
    this.host = host || HOST;
    this.addr = `${this.host}:${port}`;
    this.dir = dir;
    this.configFile = configFile;
    this.config = config;
  }

  get running() {
    return this.proc.running;
  }

  /**
   * SIGTERM and wait; removes the temp dir on a clean exit unless RMQ_KEEP_TMP=1 or
   * opts.keepDir (e.g. to start the server again on the same data).
   */
  async stop(opts = {}) {
    const { keepDir, ...stopOpts } = opts;
    const res = await this.proc.stop(stopOpts);
    const clean = !res.forced && res.code === 0;
    if (clean && !keepDir && !process.env.RMQ_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
    return res;
  }

  output() {
    return this.proc.output();
  }

  dumpOutput(reason) {
    this.proc.dumpOutput(reason);
  }
}

class NameServer extends ServerInstance {}
class Broker extends ServerInstance {}

/**
 * Start mqnamesrv on a free loopback port with a fresh temp dir.
 * @param {object} [opts] { config: extra properties, timeoutMs, env, bin (path override) }
 * @return {Promise<NameServer>}
 */
async function startNameServer(opts = {}) {
  const bin = opts.bin || requireBinary('mqnamesrv');
  return withPortRetry(async attempt => {
    const port = opts.port || await freePort();
    const dir = makeTempDir('namesrv');
    const configFile = path.join(dir, 'namesrv.conf');
    const config = {
      listenPort: port,
      kvConfigPath: path.join(dir, 'kvConfig.json'),
      configStorePath: path.join(dir, 'namesrv.properties'),
      ...(opts.config || {}),
    };
    writeProperties(configFile, config);
    try {
      const proc = await startProcess({
        name: `mqnamesrv:${port}${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
        bin,
        args: [ '-c', configFile ],
        dir,
        env: opts.env,
        readyRegex: /The Name Server boot success/,
        port,
        timeoutMs: opts.timeoutMs,
      });
      return new NameServer({ proc, port, dir, configFile, config });
    } catch (err) {
      if (!process.env.RMQ_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  });
}

/**
 * Start mqbroker (`mqbroker -c broker.conf -n namesrvAddr`; ready line contains "boot success")
 * on a free port group (listenPort and listenPort + 1, the HA port; also listenPort - 2 when
 * config.vipChannelEnable is true) with a fresh temp store, or on opts.dir / opts.port again
 * (restart on the same store: stop the first instance with stop({ keepDir: true })).
 * The config keys below follow the Java BrokerConfig / MessageStoreConfig names. Defaults for
 * tests: no VIP channel, 16 MiB CommitLog files.
 * @param {object} opts { namesrvAddr (required), brokerName, clusterName, brokerId, config,
 *   dir, port, readyRegex, timeoutMs, env, bin (path override) }
 * @return {Promise<Broker>}
 */
async function startBroker(opts = {}) {
  if (!opts.namesrvAddr) throw new Error('startBroker: namesrvAddr is required');
  const bin = opts.bin || requireBinary('mqbroker');
  const vip = !!(opts.config && String(opts.config.vipChannelEnable) === 'true');
  return withPortRetry(async attempt => {
    const port = opts.port || await freePortWithOffsets(vip ? [ -2, 0, 1 ] : [ 0, 1 ]);
    const reuse = !!opts.dir;
    const dir = opts.dir || makeTempDir('broker');
    const store = path.join(dir, 'store');
    const configFile = path.join(dir, 'broker.conf');
    const config = {
      brokerClusterName: opts.clusterName || 'CompatCluster',
      brokerName: opts.brokerName || 'broker-compat',
      brokerId: opts.brokerId || 0,
      brokerRole: 'ASYNC_MASTER',
      flushDiskType: 'ASYNC_FLUSH',
      namesrvAddr: opts.namesrvAddr,
      brokerIP1: HOST,
      brokerIP2: HOST,
      listenPort: port,
      storePathRootDir: store,
      storePathCommitLog: path.join(store, 'commitlog'),
      autoCreateTopicEnable: true,
      autoCreateSubscriptionGroup: true,
      vipChannelEnable: false,
      mappedFileSizeCommitLog: 16 * 1024 * 1024,
      ...(opts.config || {}),
    };
    writeProperties(configFile, config);
    try {
      const proc = await startProcess({
        name: `mqbroker:${port}${attempt > 1 ? ` (attempt ${attempt})` : ''}${reuse ? ' (restart)' : ''}`,
        bin,
        args: [ '-c', configFile, '-n', opts.namesrvAddr ],
        dir,
        env: opts.env,
        readyRegex: opts.readyRegex || /boot success/,
        port,
        timeoutMs: opts.timeoutMs,
      });
      return new Broker({ proc, port, dir, configFile, config });
    } catch (err) {
      if (!reuse && !process.env.RMQ_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  });
}

/**
 * For node:test afterEach hooks: print the servers' output when the test just failed.
 *   afterEach(t => dumpOnFailure(t, ns));
 */
function dumpOnFailure(t, ...instances) {
  if (t.passed !== false) return;
  for (const inst of instances) {
    if (inst) inst.dumpOutput(`test "${t.name}" failed`);
  }
}

module.exports = {
  HOST,
  StartError,
  ManagedProcess,
  ServerInstance,
  NameServer,
  Broker,
  requireBinary,
  freePort,
  freePortWithOffsets,
  isPortFree,
  waitForPort,
  makeTempDir,
  writeProperties,
  startProcess,
  withPortRetry,
  startNameServer,
  startBroker,
  dumpOnFailure,
  sleep,
};
