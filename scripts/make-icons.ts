/** `npm run icons`: (re)writes resources/icon.{png,ico,icns} from scripts/packaging/icons.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeIcons } from './packaging/icons';

const dir = resolve(import.meta.dirname, '../resources');
mkdirSync(dir, { recursive: true });
const { png, ico, icns } = makeIcons();
writeFileSync(resolve(dir, 'icon.png'), png);
writeFileSync(resolve(dir, 'icon.ico'), ico);
writeFileSync(resolve(dir, 'icon.icns'), icns);
console.log(`resources/icon.png ${png.length} B, icon.ico ${ico.length} B, icon.icns ${icns.length} B`);
