import { z } from 'zod';

/**
 * The page runs under a CSP without 'unsafe-eval'. zod's JIT probes `new Function`, which the CSP
 * refuses (and reports as a violation even though zod catches it): interpret schemas instead.
 * Imported first by main.tsx, before any schema is used.
 */
z.config({ jitless: true });
