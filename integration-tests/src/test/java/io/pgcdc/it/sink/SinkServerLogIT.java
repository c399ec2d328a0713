package io.pgcdc.it.sink;

import static io.pgcdc.it.sink.Envelopes.column;
import static io.pgcdc.it.sink.Envelopes.key;
import static io.pgcdc.it.sink.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A healthy sink leaves no error in PostgreSQL's log: inserts, updates of existing rows, inserts of
 * rows that exist already (as a replay after a crash sends them) and deletes are each written by a
 * statement that succeeds the first time, not by one that fails and is retried another way.
 *
 * <p>The test has a server of its own, whose log lines start with the session's application name,
 * so that the sink's sessions are told apart from everything else.
 */
@ExtendWith(KafkaConnectExtension.class)
class SinkServerLogIT {
  private static final String LOG_PREFIX = "app=";

  @Test
  void healthySinkLeavesNoErrorInTheServerLog(ConnectCluster cluster) throws IOException {
    PostgresServer pg = PostgresServer.startOwn("log_line_prefix=" + LOG_PREFIX + "%a:");
    try (SinkFixture f = new SinkFixture(cluster, pg, "sink_log")) {
      String table = f.createTable(f.name, "(id bigint PRIMARY KEY, name text)");
      Envelopes rows =
          Envelopes.inPublic(table, key("id", "int64", "bigint"), column("name", "string", "text"));
      List<String[]> inserts = new ArrayList<>();
      for (int id = 1; id <= 20; id++) {
        inserts.add(rows.insert(row("id", id, "name", "first " + id)));
      }
      f.produce(inserts);
      f.start(f.sourceTableConnector());
      f.awaitRows("SELECT count(*) FROM public." + table, List.of("20"));

      // A later batch: updates of existing rows, inserts of rows that exist (a replay), deletes,
      // and new rows.
      List<String[]> changes = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int id = 1; id <= 25; id++) {
        if (id <= 10) {
          changes.add(rows.update(row("id", id, "name", "second " + id)));
          expected.add(id + "|second " + id);
        } else if (id <= 15) {
          changes.add(rows.insert(row("id", id, "name", "replayed " + id)));
          expected.add(id + "|replayed " + id);
        } else if (id <= 18) {
          changes.add(rows.delete(row("id", id)));
          changes.add(rows.tombstone(row("id", id)));
        } else if (id <= 20) {
          expected.add(id + "|first " + id);
        } else {
          changes.add(rows.insert(row("id", id, "name", "new " + id)));
          expected.add(id + "|new " + id);
        }
      }
      f.produce(changes);
      f.awaitRows("SELECT id, name FROM public." + table + " ORDER BY id", expected);

      assertThat(sinkErrors(pg.logFile()))
          .as("ERROR lines of the sink's sessions in %s", pg.logFile())
          .isEmpty();
    } finally {
      pg.stop();
    }
  }

  /** The log lines of the sink's sessions (application name pgcdc-sink ...) that are errors. */
  private static List<String> sinkErrors(Path log) throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(line -> line.startsWith(LOG_PREFIX + "pgcdc-sink"))
        .filter(line -> line.contains("ERROR:") || line.contains("FATAL:"))
        .toList();
  }
}
