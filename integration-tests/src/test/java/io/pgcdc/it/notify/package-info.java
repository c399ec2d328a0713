/**
 * The notify source on a real worker: payloads unchanged, quoted channel names, JSON and dead
 * letters, reconnects with gap records, validation; and the notify benchmark. May use the fixtures
 * in {@code io.pgcdc.it.kafka} and {@code io.pgcdc.it.pg}.
 */
package io.pgcdc.it.notify;
