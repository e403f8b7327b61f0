/** The real Redis the tests use: the machine's own at 127.0.0.1:6379 (the test run starts one if needed), database 15. */
export const REDIS_URL = process.env.KFBOT_TEST_REDIS ?? 'redis://127.0.0.1:6379/15';
