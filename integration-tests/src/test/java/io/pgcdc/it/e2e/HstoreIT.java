package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hstore extension's type, whose OID differs in every database, goes through the source and the
 * sink unchanged in each form the source can give it: a JSON object (the CDC envelope's Json, the
 * default), a Connect map, and PostgreSQL's own text. Keys and values with quotes, backslashes,
 * {@code =>}, commas and Unicode, NULL values, the empty hstore and a NULL column.
 */
@org.junit.jupiter.api.extension.ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class HstoreIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @ParameterizedTest(name = "value.mode={0}, hstore.handling.mode={1}")
  @CsvSource({"typed,json", "typed,map", "text,json"})
  void hstoreValuesArriveUnchanged(
      String valueMode, String hstoreMode, PostgresServer pg, ConnectCluster cluster) {
    Assumptions.assumeTrue(
        hstoreAvailable(pg), "the hstore extension is not installed with this server");
    try (Pipeline p = new Pipeline(cluster, pg, "hs_" + hstoreMode)) {
      String table = p.table(p.name);
      pg.execute(
          "CREATE EXTENSION IF NOT EXISTS hstore",
          "CREATE TABLE public." + table + " (id int PRIMARY KEY, h hstore)",
          "INSERT INTO public."
              + table
              + " VALUES (1, 'a=>1, b=>NULL'), (2, ''), (3, NULL),"
              + " (4, hstore(ARRAY['q\"uote', 'back\\slash', 'arrow=>, comma', 'é ✓'],"
              + " ARRAY['\"', '\\', NULL, 'NULL']))");
      p.createTopics(table);
      p.start(
          p.source(table).with("value.mode", valueMode).with("hstore.handling.mode", hstoreMode),
          TIMEOUT);
      p.start(p.sink(table), TIMEOUT);
      p.awaitCopyEqual(table, TIMEOUT);

      pg.execute(
          "UPDATE public." + table + " SET h = h || 'new=>\"x y\"'::hstore WHERE id = 1",
          "INSERT INTO public." + table + " VALUES (5, 'k=>v')",
          "DELETE FROM public." + table + " WHERE id = 2");
      p.awaitCopyEqual(table, TIMEOUT);

      List<JsonNode> values = p.readValues(table, l -> l.size() >= 4, TIMEOUT);
      JsonNode row1 = values.get(0).path("payload").path("after").path("h");
      if (valueMode.equals("text")) {
        assertThat(row1.asText()).isEqualTo("\"a\"=>\"1\", \"b\"=>NULL");
      } else if (hstoreMode.equals("json")) {
        assertThat(row1.asText()).isEqualTo("{\"a\":\"1\",\"b\":null}");
      } else {
        assertThat(row1.toString()).isEqualTo("{\"a\":\"1\",\"b\":null}");
      }
    }
  }

  private static boolean hstoreAvailable(PostgresServer pg) {
    try (var c = pg.connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'hstore'")) {
      return rs.next();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
