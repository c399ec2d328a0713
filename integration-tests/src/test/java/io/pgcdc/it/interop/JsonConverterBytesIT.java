package io.pgcdc.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typed records of every type (snapshot and streamed; ordinary values, edge values, NULLs, an
 * update, a delete and its tombstone) are the same bytes whether pgcdc's {@code
 * io.pgcdc.connector.json.JsonConverter} or Kafka's {@code
 * org.apache.kafka.connect.json.JsonConverter} writes them: on the worker, two sources of one
 * table, one with each converter, write the same text but for their names and the times they ran;
 * in this JVM, each record read back with pgcdc's converter is written to exactly its bytes again
 * by both.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class JsonConverterBytesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KAFKA_JSON = "org.apache.kafka.connect.json.JsonConverter";

  /** 3 snapshot rows, 2 inserts, an update, a delete and its tombstone. */
  private static final int RECORDS = 8;

  @Test
  void kafkasJsonConverterWritesTheBytesOfPgcdcsForEveryType(
      PostgresServer pg, ConnectCluster cluster) throws IOException {
    try (InteropPipeline p = new InteropPipeline(cluster, pg, "jsonbytes")) {
      String table = p.createEveryTypeTable(Set.of());
      ConnectorDefinition ours = p.source("pj", table);
      ConnectorDefinition kafkas =
          p.source("kj", table)
              .with(
                  Map.of(
                      "key.converter",
                      KAFKA_JSON,
                      "key.converter.schemas.enable",
                      "true",
                      "value.converter",
                      KAFKA_JSON,
                      "value.converter.schemas.enable",
                      "true"));
      p.start(ours, TIMEOUT);
      p.start(kafkas, TIMEOUT);
      p.awaitRecords(InteropPipeline.topic(ours, table), 3, TIMEOUT);
      p.awaitRecords(InteropPipeline.topic(kafkas, table), 3, TIMEOUT);
      p.changeEveryTypeTable(table);

      List<ConsumerRecord<byte[], byte[]>> a = readAll(p, ours, table);
      List<ConsumerRecord<byte[], byte[]>> b = readAll(p, kafkas, table);

      for (int i = 0; i < RECORDS; i++) {
        assertThat(normalize(a.get(i).key(), ours))
            .as("key %d", i)
            .isEqualTo(normalize(b.get(i).key(), kafkas));
        assertThat(normalize(a.get(i).value(), ours))
            .as("value %d", i)
            .isEqualTo(normalize(b.get(i).value(), kafkas));
      }
      try (Converter pgcdcKeys = PgcdcJson.converter(true);
          Converter pgcdcValues = PgcdcJson.converter(false);
          JsonConverter kafkaKeys = kafka(true);
          JsonConverter kafkaValues = kafka(false)) {
        for (ConsumerRecord<byte[], byte[]> r : a) {
          assertRewrittenAlike(r.topic(), r.key(), pgcdcKeys, kafkaKeys);
          assertRewrittenAlike(r.topic(), r.value(), pgcdcValues, kafkaValues);
        }
      }
    }
  }

  /**
   * Reads {@code bytes} with pgcdc's converter; both converters write the same bytes of that data,
   * and the same JSON as {@code bytes} (whose maps may come in another order: a map read from JSON
   * is a HashMap).
   */
  private static void assertRewrittenAlike(
      String topic, byte[] bytes, Converter pgcdc, Converter kafka) throws IOException {
    SchemaAndValue data = pgcdc.toConnectData(topic, bytes);
    byte[] ours = pgcdc.fromConnectData(topic, data.schema(), data.value());
    byte[] theirs = kafka.fromConnectData(topic, data.schema(), data.value());

    assertThat(text(theirs)).as("Kafka's converter vs pgcdc's").isEqualTo(text(ours));
    assertThat(json(ours)).as("written again: %s", text(bytes)).isEqualTo(json(bytes));
  }

  private static JsonNode json(byte[] bytes) throws IOException {
    return bytes == null ? null : JSON.readTree(bytes);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      InteropPipeline p, ConnectorDefinition source, String table) {
    List<ConsumerRecord<byte[], byte[]>> records =
        p.read(InteropPipeline.topic(source, table), r -> r.size() >= RECORDS, TIMEOUT);
    assertThat(records).hasSize(RECORDS);
    return records;
  }

  private static JsonConverter kafka(boolean isKey) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "true"), isKey);
    return converter;
  }

  /**
   * The text with the source's name, the times it ran and its slot's snapshot position replaced.
   */
  private static String normalize(byte[] bytes, ConnectorDefinition source) {
    return bytes == null
        ? null
        : text(bytes)
            .replace(source.name(), "NAME")
            .replaceAll("\"ts_ms\":\\d+", "\"ts_ms\":0")
            .replaceAll("\"(commit_)?lsn\":\\d+", "\"$1lsn\":0");
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
