import { isIPv4 } from 'node:net';

/**
 * True when binding to `host` keeps the server on this machine. Wildcards (0.0.0.0, ::) and any
 * other address are reachable from the network — and so are the demo accounts, if they exist.
 */
export const isLoopbackHost = (host: string): boolean => {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIPv4(v4) && v4.startsWith('127.');
};
