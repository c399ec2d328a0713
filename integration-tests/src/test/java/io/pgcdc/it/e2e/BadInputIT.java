package io.pgcdc.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input gives the documented error or dead letter entry, and nothing else is lost: malformed
 * records and values that do not fit their column in the middle of a live pipeline, table names
 * that try to inject SQL, a wrong password, a server without {@code wal_level=logical}.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class BadInputIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String SOURCE = "io.pgcdc.connector.source.PostgresSourceConnector";
  private static final String SINK = "io.pgcdc.connector.sink.PostgresSinkConnector";

  @Test
  void malformedAndMisfittingRecordsGoToTheDeadLetterQueueAndEveryOtherChangeArrives(
      PostgresServer pg, ConnectCluster cluster) throws SQLException {
    try (Pipeline p = new Pipeline(cluster, pg, "bad")) {
      String table = p.table(p.name);
      String dlq = p.name + "_dlq";
      // The copy exists beforehand with a check on qty that 100000 does not pass. (A narrower
      // type is refused for the whole table: the sink stops and gives the ALTER TABLE to run.)
      pg.execute(
          "CREATE TABLE public." + table + " (id bigint PRIMARY KEY, qty integer, note text)",
          "CREATE TABLE public."
              + table
              + "_copy (id bigint PRIMARY KEY, qty integer CHECK (qty < 32768), note text)",
          "INSERT INTO public."
              + table
              + " SELECT g, g, 'row ' || g FROM generate_series(1, 20) g");
      p.start(p.source(table), TIMEOUT);
      p.start(
          p.sink(table)
              .with(
                  Map.of(
                      "errors.tolerance", "all",
                      "errors.deadletterqueue.topic.name", dlq,
                      "errors.deadletterqueue.topic.replication.factor", "1",
                      "errors.deadletterqueue.context.headers.enable", "true")),
          TIMEOUT);
      Deadline.in(TIMEOUT)
          .await(
              "the snapshot in the copy",
              () -> count(pg, table + "_copy") == 20,
              () -> count(pg, table + "_copy") + " rows");

      pg.execute("INSERT INTO public." + table + " VALUES (21, 100000, 'too big')");
      produce(
          cluster,
          p.topic(table),
          List.of(
              new String[] {"{not json", "{not json either"},
              new String[] {
                "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"}",
                "{\"schema\":{\"type\":\"string\"},\"payload\":\"a bare string\"}"
              }));
      pg.execute(
          "INSERT INTO public."
              + table
              + " SELECT g, g, 'row ' || g FROM generate_series(22, 30) g",
          "UPDATE public." + table + " SET note = 'updated' WHERE id IN (1, 22)",
          "DELETE FROM public." + table + " WHERE id = 2");

      String every = "SELECT id, qty, note FROM public." + table + " WHERE id <> 21 ORDER BY id";
      Deadline.in(TIMEOUT)
          .await(
              "the copy to hold every row but the one that does not fit",
              () -> rows(pg, every).equals(rows(pg, every.replace(table, table + "_copy"))),
              () -> rows(pg, every.replace(table, table + "_copy")).toString());
      assertThat(count(pg, table + "_copy")).isEqualTo(28);

      List<ConsumerRecord<String, String>> dead = cluster.read(dlq, 3, TIMEOUT);
      assertThat(dead).extracting(ConsumerRecord::value).contains("{not json either");
      List<String> messages =
          dead.stream().map(r -> header(r, "__connect.errors.exception.message")).toList();
      assertThat(messages)
          .anySatisfy(m -> assertThat(m).contains("Converting byte[] to Kafka Connect data failed"))
          .anySatisfy(m -> assertThat(m).contains("not a struct or a JSON object"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains(
                          "partition 0, offset ",
                          "table public." + table + "_copy",
                          "check constraint",
                          "qty",
                          "SQLSTATE 23514"));
      assertThat(cluster.rest().status(p.sinkName()).running()).isTrue();
      assertThat(cluster.rest().status(p.sourceName()).running()).isTrue();
      // Exactly these three: nothing else went to the dead letter queue.
      assertThat(endOffset(cluster, dlq)).isEqualTo(3);
    }
  }

  @Test
  void tableNamesFromRecordsAreQuotedIdentifiersNeverSql(PostgresServer pg, ConnectCluster cluster)
      throws SQLException {
    String name = pg.uniqueName("inject");
    String topic = name + "_topic";
    String victim = name + "_victim";
    String dlq = name + "_dlq";
    List<String> evil =
        List.of(
            name + "\"; DROP TABLE " + victim + "; --",
            name + "'); DROP TABLE " + victim + "; --",
            name + " (id bigint); DROP TABLE " + victim);
    pg.execute(
        "CREATE TABLE public." + victim + " (id int)", "INSERT INTO " + victim + " VALUES (1)");
    ConnectorDefinition sink =
        ConnectorDefinition.fromConfigDir("pgcdc-sink.json")
            .withName(name)
            .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
            .with(
                Map.of(
                    "topics", topic,
                    "table.name.format", "${value.target}",
                    "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable", "false",
                    "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "key.converter.schemas.enable", "false",
                    "errors.tolerance", "all",
                    "errors.deadletterqueue.topic.name", dlq,
                    "errors.deadletterqueue.topic.replication.factor", "1",
                    "errors.deadletterqueue.context.headers.enable", "true"));
    List<String[]> records = new ArrayList<>();
    for (int i = 0; i < evil.size(); i++) {
      records.add(
          new String[] {
            "{\"id\": " + i + "}",
            "{\"id\": " + i + ", \"target\": " + jsonString(evil.get(i)) + "}"
          });
    }
    produce(cluster, topic, records);
    try {
      cluster.rest().create(sink);
      cluster.rest().awaitRunning(name, TIMEOUT);
      // Each record lands in a table named exactly by its text, or in the dead letter queue.
      Deadline.in(TIMEOUT)
          .await(
              "every record in its table or the dead letter queue",
              () ->
                  evil.stream().filter(t -> hasRow(pg, t)).count() + dead(cluster, dlq)
                      >= evil.size(),
              () -> "not yet");
      assertThat(count(pg, victim)).as("the table the names try to drop").isEqualTo(1);
      for (String t : evil) {
        if (!hasRow(pg, t)) {
          assertThat(deadMessages(cluster, dlq)).anySatisfy(m -> assertThat(m).contains(t));
        }
      }
    } finally {
      cluster.rest().delete(name);
      for (String t : evil) {
        pg.execute("DROP TABLE IF EXISTS public." + TableComparison.quote(t));
      }
      pg.execute("DROP TABLE IF EXISTS public." + victim);
    }
  }

  @Test
  void wrongPasswordIsReportedOnThePasswordSettingAndNeverEchoed(
      PostgresServer pg, ConnectCluster cluster) {
    String secret = "wrong-" + pg.uniqueName("secret");
    for (String connector : List.of("pgcdc-source.json", "pgcdc-sink.json")) {
      ConnectorDefinition def =
          ConnectorDefinition.fromConfigDir(connector)
              .withName(pg.uniqueName("pw"))
              .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), secret)
              .with("table.include.list", "public.nothing_here")
              .with("topics", "nothing_here");
      Map<String, String> config = new HashMap<>(def.config());
      config.put("name", def.name());
      String cls = connector.contains("source") ? SOURCE : SINK;
      JsonNode answer = cluster.rest().validate(cls, config);

      assertThat(ConnectRestClient.validationErrors(answer))
          .as(connector)
          .hasEntrySatisfying(
              "connection.password",
              m -> assertThat(m).contains("password authentication failed", pg.user()));
      assertThat(answer.toString()).as(connector).doesNotContain(secret);
      ConnectRestClient.ConnectRestException refused =
          (ConnectRestClient.ConnectRestException)
              org.assertj.core.api.Assertions.catchThrowable(() -> cluster.rest().create(def));
      assertThat(refused).as(connector + " created with a wrong password").isNotNull();
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.getMessage()).contains("connection.password").doesNotContain(secret);
    }
  }

  @Test
  void serverWithoutLogicalWalLevelIsRefusedSayingWhatToDo(ConnectCluster cluster) {
    PostgresServer replica = PostgresServer.startOwn("wal_level=replica");
    try {
      replica.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY)");
      ConnectorDefinition def =
          ConnectorDefinition.fromConfigDir("pgcdc-source.json")
              .withName(replica.uniqueName("wal"))
              .withConnection(
                  replica.host(),
                  replica.port(),
                  replica.database(),
                  replica.user(),
                  replica.password())
              .with("table.include.list", "public.orders");
      Map<String, String> config = new HashMap<>(def.config());
      config.put("name", def.name());

      Map<String, String> errors =
          ConnectRestClient.validationErrors(cluster.rest().validate(SOURCE, config));

      assertThat(errors).hasSize(1);
      assertThat(errors.values().iterator().next())
          .contains("wal_level is replica", "wal_level = logical", "restart the server");
      assertThatThrownBy(() -> cluster.rest().create(def))
          .isInstanceOf(ConnectRestClient.ConnectRestException.class)
          .hasMessageContaining("wal_level = logical");
      assertThat(cluster.rest().connectors()).doesNotContain(def.name());
    } finally {
      replica.stop();
    }
  }

  private static String jsonString(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Records in partition 0 of {@code topic} (its end offset); 0 while it does not exist. */
  private static long endOffset(ConnectCluster cluster, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(props)) {
      return TopicReader.endOffset(admin, partition);
    }
  }

  private static void produce(ConnectCluster cluster, String topic, List<String[]> keyValues) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (String[] kv : keyValues) {
        producer.send(new ProducerRecord<>(topic, kv[0], kv[1]));
      }
      producer.flush();
    }
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static long dead(ConnectCluster cluster, String dlq) {
    return endOffset(cluster, dlq);
  }

  private static List<String> deadMessages(ConnectCluster cluster, String dlq) {
    int n = (int) endOffset(cluster, dlq);
    return cluster.read(dlq, n, TIMEOUT).stream()
        .map(r -> header(r, "__connect.errors.exception.message"))
        .toList();
  }

  /** Whether {@code public.<name>} (the exact name) exists and has a row. */
  private static boolean hasRow(PostgresServer pg, String name) {
    try (Connection c = pg.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT 1 FROM pg_class WHERE relname = ?"
                    + " AND relnamespace = 'public'::regnamespace")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
      }
      return count(pg, name) > 0;
    } catch (SQLException e) {
      return false;
    }
  }

  private static long count(PostgresServer pg, String table) {
    try (Connection c = pg.connect();
        var s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM public." + TableComparison.quote(table))) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1; // not there (yet)
    }
  }

  private static List<String> rows(PostgresServer pg, String sql) {
    List<String> rows = new ArrayList<>();
    try (Connection c = pg.connect();
        var s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
      }
    } catch (SQLException e) {
      rows.add(e.getMessage());
    }
    return rows;
  }
}
