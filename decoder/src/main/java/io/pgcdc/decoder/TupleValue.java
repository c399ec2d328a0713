package io.pgcdc.decoder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One column of a {@code TupleData} structure. The protocol:
 *
 * <pre>
 * Int16   Number of columns.
 * Next, one of the following submessages appears for each column:
 * Byte1('n') Identifies the data as NULL value.
 * Byte1('u') Identifies unchanged TOASTed value (the actual value is not sent).
 * Byte1('t') Identifies the data as text formatted value.
 * Byte1('b') Identifies the data as binary formatted value.
 *   Int32  Length of the column value.   (after 't' and 'b' only)
 *   Byten  The value of the column, either in binary or in text format.
 * </pre>
 *
 * <p>Turn the text of a {@link Text} into a Java value with {@code
 * io.pgcdc.decoder.types.PgTypes#decodeText}, by the column's type OID from the {@link Relation}
 * message. {@link Binary} (pgoutput's {@code binary} option) is decoded as the protocol sends it;
 * the value codecs do not read binary forms.
 */
public sealed interface TupleValue {

  /** {@code 'n'}: the column is NULL. */
  record Null() implements TupleValue {
    /** The one instance. */
    public static final Null INSTANCE = new Null();
  }

  /**
   * {@code 'u'}: an unchanged TOASTed value whose data the server did not send; the column keeps
   * the value it had before this change.
   */
  record UnchangedToast() implements TupleValue {
    /** The one instance. */
    public static final UnchangedToast INSTANCE = new UnchangedToast();
  }

  /**
   * {@code 't'}: the value in PostgreSQL's text format, in the database encoding (read as UTF-8).
   *
   * @param bytes the value's bytes; the accessor returns a copy
   */
  record Text(byte[] bytes) implements TupleValue {
    /** Keeps {@code bytes} as they are: the decoder hands over a fresh array. */
    public Text {
      if (bytes == null) {
        throw new NullPointerException("bytes");
      }
    }

    /** A text value from a Java string, encoded as UTF-8. */
    public static Text of(String text) {
      return new Text(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The value as a string, decoded as UTF-8. */
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A copy of the value's bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** The number of bytes. */
    public int length() {
      return bytes.length;
    }

    // A record compares arrays by identity; a value compares by content.
    @Override
    public boolean equals(Object o) {
      return o instanceof Text t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Text[" + text() + "]";
    }
  }

  /**
   * {@code 'b'}: the value in the type's binary send/receive format.
   *
   * @param bytes the value's bytes; the accessor returns a copy
   */
  record Binary(byte[] bytes) implements TupleValue {
    /** Keeps {@code bytes} as they are: the decoder hands over a fresh array. */
    public Binary {
      if (bytes == null) {
        throw new NullPointerException("bytes");
      }
    }

    /** A read-only big-endian view of the value's bytes, positioned at the start. */
    public ByteBuffer buffer() {
      return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** A copy of the value's bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** The number of bytes. */
    public int length() {
      return bytes.length;
    }

    // A record compares arrays by identity; a value compares by content.
    @Override
    public boolean equals(Object o) {
      return o instanceof Binary b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Binary" + Arrays.toString(bytes);
    }
  }
}
