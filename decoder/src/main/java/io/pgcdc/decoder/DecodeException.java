package io.pgcdc.decoder;

/**
 * Thrown when bytes or text do not follow the pgoutput protocol or a PostgreSQL value format.
 *
 * <p>The message names what was being read, where, and what was expected, for example {@code
 * Update.oldTuple: expected tuple type K, O or N, got 'X' at offset 5}. Message offsets count bytes
 * from the first byte of the message (its type byte).
 */
public final class DecodeException extends RuntimeException {

  /** Creates an exception with a message that names what was read, where, and what was expected. */
  public DecodeException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause that made the value unreadable. */
  public DecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
