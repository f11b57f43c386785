import { describe, expect, it } from 'vitest';
import { offlineReason } from '../../src/renderer/stores/connection';
import { en } from '../../src/renderer/i18n/locales/en';
import { zhCN } from '../../src/renderer/i18n/locales/zh-CN';

describe('connection status wording', () => {
  it('offline on a working network is the server, not the network', () => {
    expect(offlineReason('offline', true)).toBe('server');
    expect(offlineReason('offline', false)).toBe('network');
    expect(offlineReason('online', true)).toBeNull();
    expect(offlineReason('connecting', false)).toBeNull();
  });

  it('says "can’t reach the server" in both languages, distinct from "network disconnected"', () => {
    expect(en['connection.unreachable']).toMatch(/can’t reach the server/i);
    expect(en['connection.unreachable']).not.toMatch(/offline|network/i);
    expect(zhCN['connection.unreachable']).toMatch(/无法连接服务器/);
    expect(zhCN['connection.unreachable']).not.toMatch(/网络/);
  });
});
