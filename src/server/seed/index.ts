export { seedDemo, buildPlan, type SeedOptions, type SeedResult } from './seed-demo';
export { ALL_HANDS_GROUP_NAME, DEMO_ORG, DEMO_PASSWORD } from './demo-org';
