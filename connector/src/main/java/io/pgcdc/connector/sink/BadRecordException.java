package io.pgcdc.connector.sink;

/**
 * A record that cannot be written: wrong shape, no key, a value that does not fit its column. It
 * goes to the dead letter queue when errors are tolerated, else it stops the task.
 */
final class BadRecordException extends RuntimeException {
  BadRecordException(String message) {
    super(message);
  }

  BadRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
