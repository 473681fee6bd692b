'use strict';

// Creates the ali-ons client object that talks to the name server, the way its producer and
// consumer do it: a ClientConfig handed to MQClient.getAndCreateMQClient(). The name server
// address is given with the `nameSrv` option, so ali-ons never performs its HTTP address lookup
// (the httpclient it insists on is a stub that fails loudly if it were ever used).
//
// Tests call the API methods directly (getTopicRouteInfoFromNameServer,
// getDefaultTopicRouteInfoFromNameServer): unlike updateTopicRouteInfoFromNameServer they do not
// fill the client's broker table, so ali-ons never tries to heartbeat our fake broker address.

const { format } = require('node:util');
const MQClient = require('ali-ons/lib/mq_client');
const ClientConfig = require('ali-ons/lib/client_config');

let seq = 0;

const noHttp = {
  async request(url) {
    throw new Error(`ali-ons tried an HTTP name server lookup (${url}); tests must pass nameSrv`);
  },
};

/** A logger for ali-ons that records instead of printing (printed by the tests on failure). */
function recordingLogger() {
  const lines = [];
  const rec = level => (...args) => lines.push(`${level} ${args[0] instanceof Error ? args[0].stack : format(...args)}`);
  return { lines, info: rec('INFO'), warn: rec('WARN'), error: rec('ERROR'), debug() {} };
}

/**
 * @param {string|string[]} nameSrv '127.0.0.1:port' or a list
 * @return {Promise<{client: MQClient, logger: object, close: Function}>}
 */
async function createNameServerClient(nameSrv, opts = {}) {
  const logger = recordingLogger();
  const config = new ClientConfig({
    nameSrv,
    httpclient: noHttp,
    logger,
    // A unique instance name: MQClient instances are cached per clientId (ip@instanceName).
    instanceName: `compat_${process.pid}_${++seq}`,
    // The client's scheduled tasks do nothing without producers/consumers; short intervals just
    // let their pending timers end quickly after close().
    pollNameServerInteval: 500,
    heartbeatBrokerInterval: 500,
    rebalanceInterval: 500,
    persistConsumerOffsetInterval: 500,
    ...opts,
  });
  const client = MQClient.getAndCreateMQClient(config);
  const errors = [];
  client.on('error', err => errors.push(err));
  await client.ready();
  return {
    client,
    logger,
    errors,
    async close() {
      await client.close();
    },
  };
}

module.exports = { createNameServerClient, recordingLogger };
