package io.pgcdc.it.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.ConnectorStatus;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sql.files} on a real worker (on this machine, so a file of the test is a file of the
 * worker): run once before the first record, not again on a restart; a changed file and a psql
 * meta-command are refused with what to do.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class StatementSqlFilesIT {
  @TempDir Path dir;

  @Test
  void filesRunOnceBeforeTheFirstRecordAndAChangedFileIsRefused(
      ConnectCluster cluster, PostgresServer pg) throws IOException {
    try (StatementFixture f = new StatementFixture(cluster, pg, "stmt_files")) {
      String table = f.name + "_t";
      String files = f.name + "_files";
      f.create("SELECT 1", "DROP TABLE IF EXISTS " + table);
      f.create("SELECT 1", "DROP TABLE IF EXISTS " + files);
      Path setup = dir.resolve("setup.sql");
      Files.writeString(
          setup,
          "-- the table the statements fill\nCREATE TABLE "
              + table
              + " (id int PRIMARY KEY, note text);\n"
              + "INSERT INTO "
              + table
              + " VALUES (0, $$set up; once$$);\n");
      f.produce(List.<String[]>of(new String[] {"1", "{\"id\":1}"}));
      ConnectorDefinition def =
          f.schemaless()
              .with("sql.files", setup.toString())
              .with("sql.files.table", "public." + files)
              .with("statement", "INSERT INTO " + table + " (id) VALUES (:value.id)");

      f.start(def);
      f.awaitRows(
          "SELECT id, note FROM " + table + " ORDER BY id", List.of("0|set up; once", "1|null"));
      cluster.rest().restart(f.name);
      f.produce(List.<String[]>of(new String[] {"2", "{\"id\":2}"}));
      f.awaitRows("SELECT id FROM " + table + " ORDER BY id", List.of("0", "1", "2"));
      assertThat(f.rows("SELECT file FROM " + files)).containsExactly(setup.toString());

      Files.writeString(setup, Files.readString(setup) + "SELECT 2;\n");
      assertThat(f.validationErrors(def))
          .extractingByKey("sql.files")
          .asString()
          .contains(setup + " changed since it ran", "sql.files.rerun.changed=true");
      cluster.rest().restart(f.name); // the running connector's task starts again
      ConnectorStatus failed = cluster.rest().awaitFailed(f.name, StatementFixture.TIMEOUT);
      assertThat(failed.traces()).contains(setup + " changed since it ran (SHA-256");
      assertThat(f.rows("SELECT id FROM " + table + " ORDER BY id")).containsExactly("0", "1", "2");

      Path meta = dir.resolve("meta.sql");
      Files.writeString(meta, "CREATE TABLE x (id int);\n\\i other.sql\n");
      assertThat(f.validationErrors(def.with("sql.files", meta.toString())))
          .extractingByKey("sql.files")
          .asString()
          .contains(meta + " line 2 has the psql meta-command \\i");
    }
  }
}
