import { backends } from '../test/server/support/databases';
import { benchOrg } from './org';
const b = backends.find((x) => x.name === (process.env['B'] ?? 'postgres'))!;
console.log(JSON.stringify(await benchOrg(b)));
process.exit(0);
