package io.pgcdc.decoder;

/**
 * Stream Stop: the end of a block of streamed changes; from here on decode with {@code inStream =
 * false} again.
 *
 * <pre>
 * Byte1('E')  Identifies the message as a stream stop message.
 * </pre>
 */
public record StreamStop() implements PgOutputMessage {

  /** The one instance. */
  public static final StreamStop INSTANCE = new StreamStop();

  static StreamStop decode(Reader r) {
    return INSTANCE;
  }
}
