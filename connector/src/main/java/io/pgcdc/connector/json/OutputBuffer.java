package io.pgcdc.connector.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer, reused per thread, without ByteArrayOutputStream's locking; with the JSON
 * generator that writes into it, kept too: a generator costs as much to create as a small value
 * costs to write.
 */
final class OutputBuffer extends OutputStream {
  /** A buffer grown past this is dropped after use rather than kept for the thread. */
  private static final int KEEP_AT_MOST = 1 << 20;

  private byte[] buf = new byte[8192];
  private int size;
  private JsonGenerator generator;

  /**
   * The generator writing into this buffer: values go one after the other at its root, with no
   * separator between them, each flushed before its bytes are taken.
   */
  JsonGenerator generator(ObjectWriter writer) throws IOException {
    if (generator == null) {
      generator = writer.createGenerator(this);
      generator.setRootValueSeparator(null);
    }
    return generator;
  }

  /** Drops a generator left in the middle of a value: the next value gets a new one. */
  void dropGenerator() {
    generator = null;
  }

  void reset() {
    if (buf.length > KEEP_AT_MOST) {
      buf = new byte[8192];
    }
    size = 0;
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
