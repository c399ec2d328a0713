package io.pgcdc.connector.sink.change;

/**
 * A record that cannot be written: wrong shape, no key, a value that does not fit its column. It
 * goes to the dead letter queue when errors are tolerated, else it stops the task.
 */
public final class BadRecordException extends RuntimeException {
  public BadRecordException(String message) {
    super(message);
  }

  public BadRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
