package io.pgcdc.connector.source.stream;

import io.pgcdc.connector.source.PostgresSourceConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The messages of one large transaction that the server streams before it commits (protocol 2+,
 * {@code streaming = on}): kept in memory up to a byte budget, then appended to a temporary file,
 * so that heap use stays bounded however large the transaction. Replayed in order on Stream Commit;
 * deleted on Stream Abort. Aborted subtransactions are remembered and skipped on replay.
 */
final class TransactionSpool implements AutoCloseable {
  /** One spooled message: its WAL position, the xid it carries and its pgoutput bytes. */
  record Entry(long lsn, int xid, byte[] payload) {}

  private final int topXid;
  private final long memoryBudget;
  private final List<Entry> inMemory = new ArrayList<>();
  private final Set<Integer> abortedSubtransactions = new HashSet<>();
  private long memoryBytes;
  private Path file;
  private DataOutputStream out;
  private long spilled;
  private DataInputStream in;

  TransactionSpool(int topXid, long memoryBudget) {
    this.topXid = topXid;
    this.memoryBudget = memoryBudget;
  }

  /** Appends the message between the buffer's position and limit. */
  void append(long lsn, ByteBuffer payload) {
    byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    // In a stream block, Relation, Type, Message and the row messages carry the (sub)transaction's
    // xid right after the type byte: "Int32 (TransactionId) Xid of the transaction".
    int xid = bytes.length >= 5 ? ByteBuffer.wrap(bytes, 1, 4).getInt() : topXid;
    if (out == null && memoryBytes + bytes.length <= memoryBudget) {
      inMemory.add(new Entry(lsn, xid, bytes));
      memoryBytes += bytes.length + 32;
      return;
    }
    try {
      if (out == null) {
        file =
            Files.createTempFile("pgcdc-xid-" + Integer.toUnsignedString(topXid) + "-", ".spool");
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
      }
      out.writeLong(lsn);
      out.writeInt(xid);
      out.writeInt(bytes.length);
      out.write(bytes);
      spilled++;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not spill streamed transaction "
              + Integer.toUnsignedString(topXid)
              + " to a temporary file (java.io.tmpdir): free disk space or raise "
              + PostgresSourceConfig.STREAMING_BUFFER_CONFIG,
          e);
    }
  }

  /** A subtransaction was rolled back: its messages are not replayed. */
  void abortSubtransaction(int subXid) {
    abortedSubtransactions.add(subXid);
  }

  long spilledMessages() {
    return spilled;
  }

  /** Reads the messages back in order, aborted subtransactions left out. */
  Replay replay() {
    try {
      if (out != null) {
        out.close();
        out = null;
      }
      return new Replay();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An iterator over the spooled messages; {@link #next()} returns null at the end. */
  final class Replay {
    private int memoryIndex;

    Entry next() {
      while (true) {
        Entry e = nextAny();
        if (e == null || !abortedSubtransactions.contains(e.xid())) {
          return e;
        }
      }
    }

    private Entry nextAny() {
      if (memoryIndex < inMemory.size()) {
        Entry e = inMemory.get(memoryIndex);
        inMemory.set(memoryIndex++, null);
        return e;
      }
      if (file == null) {
        return null;
      }
      try {
        if (in == null) {
          in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }
        long lsn;
        try {
          lsn = in.readLong();
        } catch (EOFException end) {
          return null;
        }
        int xid = in.readInt();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new Entry(lsn, xid, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Could not read back streamed transaction " + Integer.toUnsignedString(topXid), e);
      }
    }
  }

  @Override
  public void close() {
    inMemory.clear();
    try {
      if (in != null) {
        in.close();
        in = null;
      }
      if (out != null) {
        out.close();
        out = null;
      }
      if (file != null) {
        Files.deleteIfExists(file);
        file = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete spool file " + file, e);
    }
  }
}
