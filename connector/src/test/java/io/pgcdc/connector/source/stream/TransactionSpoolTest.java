package io.pgcdc.connector.source.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TransactionSpoolTest {
  /** A stream-block message: type byte, then the (sub)transaction's xid, then a body. */
  private static ByteBuffer message(char type, int xid, int body) {
    return ByteBuffer.allocate(9).put((byte) type).putInt(xid).putInt(body).flip();
  }

  private static List<Integer> bodies(TransactionSpool spool) {
    List<Integer> bodies = new ArrayList<>();
    TransactionSpool.Replay replay = spool.replay();
    for (TransactionSpool.Entry e = replay.next(); e != null; e = replay.next()) {
      bodies.add(ByteBuffer.wrap(e.payload()).getInt(5));
    }
    return bodies;
  }

  @Test
  void replaysInOrderAcrossMemoryAndTheSpillFile() throws Exception {
    try (TransactionSpool spool = new TransactionSpool(7, 40)) {
      for (int i = 0; i < 1000; i++) {
        spool.append(i, message('I', 7, i));
      }
      assertThat(spool.spilledMessages()).isGreaterThan(990);
      assertThat(bodies(spool)).hasSize(1000).isSorted().startsWith(0, 1).endsWith(999);
    }
  }

  @Test
  void leavesOutAbortedSubtransactions() {
    try (TransactionSpool spool = new TransactionSpool(7, 0)) {
      spool.append(1, message('I', 7, 1));
      spool.append(2, message('I', 8, 2));
      spool.append(3, message('I', 9, 3));
      spool.abortSubtransaction(8);
      assertThat(bodies(spool)).containsExactly(1, 3);
    }
  }

  @Test
  void deletesItsFileWhenClosed() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    TransactionSpool spool = new TransactionSpool(123456789, 0);
    spool.append(1, message('I', 123456789, 1));
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("pgcdc-xid-123456789-")))
          .hasSize(1);
    }
    spool.close();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("pgcdc-xid-123456789-")))
          .isEmpty();
    }
  }
}
