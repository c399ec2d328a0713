package io.pgcdc.connector.notify;

/**
 * One notification as received: channel, exact payload, the sending backend's process id, and when
 * this task received it (the worker's clock, milliseconds since the epoch).
 */
record Notification(String channel, String payload, int pid, long receivedMillis) {}
