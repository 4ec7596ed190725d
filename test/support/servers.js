// Database servers the tests use; each URL can be overridden by its environment variable.
const SERVERS = {
  postgres: {
    env: 'AFTER_PARTY_TEST_POSTGRES_URL',
    url: process.env.AFTER_PARTY_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test',
  },
  mysql: {
    env: 'AFTER_PARTY_TEST_MYSQL_URL',
    url: process.env.AFTER_PARTY_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test',
  },
  mongo: {
    env: 'AFTER_PARTY_TEST_MONGO_URL',
    url: process.env.AFTER_PARTY_TEST_MONGO_URL || 'mongodb://127.0.0.1:27017/after_party_test',
  },
  redis: {
    env: 'AFTER_PARTY_TEST_REDIS_URL',
    url: process.env.AFTER_PARTY_TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  },
};

module.exports = { SERVERS };
