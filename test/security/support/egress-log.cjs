/*
 * Preloaded (--require) into a CLI process by network-egress.int.test.ts: appends every outbound
 * socket connection and every DNS lookup the process makes to $EGRESS_LOG, one JSON line each.
 * Unix sockets (tsx's IPC pipe) are local and not logged.
 */
'use strict';
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const file = process.env.EGRESS_LOG;
const record = (entry) => fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  if (typeof options === 'object' && options !== null) {
    if (!options.path) record({ kind: 'connect', host: options.host ?? 'localhost', port: Number(options.port) });
  } else if (typeof options === 'number' || /^\d+$/.test(String(options))) {
    record({ kind: 'connect', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(options) });
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  record({ kind: 'lookup', host: hostname });
  return lookup.call(this, hostname, ...rest);
};
for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveSrv', 'resolveTxt']) {
  const original = dns[name];
  dns[name] = function (hostname, ...rest) {
    record({ kind: 'lookup', host: hostname });
    return original.call(this, hostname, ...rest);
  };
}
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function (hostname, ...rest) {
  record({ kind: 'lookup', host: hostname });
  return promisesLookup.call(this, hostname, ...rest);
};
