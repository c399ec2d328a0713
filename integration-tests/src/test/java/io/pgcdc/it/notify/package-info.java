/**
 * The notify source on a real worker: payloads unchanged, quoted channel names, JSON and dead
 * letters, reconnects (terminated, silent, cut mid-message) with gap records, the queue warning,
 * validation, the durable twin's shipped config; and the notify benchmark. May use the fixtures in
 * {@code io.pgcdc.it.kafka}, {@code io.pgcdc.it.pg} and {@code io.pgcdc.it.e2e.TcpProxy}.
 */
package io.pgcdc.it.notify;
