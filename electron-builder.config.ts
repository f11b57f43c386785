// `npm run dist`: see scripts/packaging/builder-config.ts (and DEVELOPERS.md "Building installers").
import { builderConfig } from './scripts/packaging/builder-config';

export default builderConfig(process.env);
