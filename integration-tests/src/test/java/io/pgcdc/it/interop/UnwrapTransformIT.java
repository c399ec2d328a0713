package io.pgcdc.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Debezium's "unwrap" transform ({@code io.debezium.transforms.ExtractNewRecordState}, from its
 * PostgreSQL connector's plugin archive) on a pgcdc source: the topic holds flat rows whose fields
 * have the typed schemas of docs/type-mapping.md (read here with Kafka's own JsonConverter, as a
 * consumer would), the operation and table it was asked to add, and deletes rewritten as rows with
 * {@code __deleted = "true"} ({@code delete.tombstone.handling.mode=rewrite}, which also drops the
 * tombstones).
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class UnwrapTransformIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static final String COLUMNS =
      "id bigint PRIMARY KEY, c_bool boolean, c_numeric numeric(10,2), c_numeric_any numeric,"
          + " c_text text, c_bytea bytea, c_uuid uuid, c_jsonb jsonb, c_date date, c_time time,"
          + " c_ts timestamp, c_ts3 timestamp(3), c_tstz timestamptz, c_timetz timetz,"
          + " c_interval interval, c_int_arr int[], c_text_arr text[], c_enum %s";

  private static final String VALUES =
      "true, 12345678.90, 1.234, 'text', '\\x00ff', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',"
          + " '{\"k\":[1,2.50]}', '2024-02-29', '23:59:59.999999', '2024-02-29 23:59:59.999999',"
          + " '2024-02-29 23:59:59.123', '2024-02-29 23:59:59.999999+02', '12:34:56.789+05:30',"
          + " '1 year 2 mons 3 days 04:05:06.789012', '{1,NULL,3}', '{a,\"b c\"}', 'ok'";

  @Test
  void unwrapsPgcdcRecordsIntoFlatTypedRowsAndRewritesDeletes(
      PostgresServer pg, ConnectCluster cluster) {
    try (InteropPipeline p = new InteropPipeline(cluster, pg, "unwrap")) {
      String table = p.name;
      String mood = table + "_mood";
      p.cleanUpAlso("DROP TYPE IF EXISTS " + mood);
      p.cleanUpAlso("DROP TABLE IF EXISTS public." + table);
      pg.execute(
          "CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TABLE public." + table + " (" + COLUMNS.formatted(mood) + ")",
          "INSERT INTO public." + table + " VALUES (1, " + VALUES + ")");
      ConnectorDefinition source =
          p.source("src", table)
              .with(
                  Map.of(
                      "transforms", "unwrap",
                      "transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                      "transforms.unwrap.delete.tombstone.handling.mode", "rewrite",
                      "transforms.unwrap.add.fields", "op,table"));
      p.start(source, TIMEOUT);
      p.awaitRecords(InteropPipeline.topic(source, table), 1, TIMEOUT);
      pg.execute(
          "INSERT INTO public." + table + " VALUES (2, " + VALUES + ")",
          "UPDATE public." + table + " SET c_text = 'changed' WHERE id = 2",
          "DELETE FROM public." + table + " WHERE id = 1",
          "INSERT INTO public." + table + " (id) VALUES (3)");

      List<ConsumerRecord<byte[], byte[]>> records =
          p.read(InteropPipeline.topic(source, table), UnwrapTransformIT::hasRow3, TIMEOUT);

      List<Struct> rows = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        assertThat(r.value()).as("a tombstone at offset %d", r.offset()).isNotNull();
        rows.add((Struct) toConnect(r.topic(), r.value()).value());
      }
      assertThat(rows).extracting(row -> row.getInt64("id")).containsExactly(1L, 2L, 2L, 1L, 3L);
      assertThat(rows)
          .extracting(row -> row.getString("__op"))
          .containsExactly("r", "c", "u", "d", "c");
      assertThat(rows)
          .extracting(row -> row.getString("__deleted"))
          .containsExactly("false", "false", "false", "true", "false");
      assertThat(rows).extracting(row -> row.getString("__table")).containsOnly(table);
      assertTyped(rows.get(0), "text");
      assertTyped(rows.get(2), "changed");
      Struct deleted = rows.get(3);
      assertThat(deleted.getString("c_text")).isNull(); // default replica identity: key only
      assertThat(deleted.get("c_numeric")).isNull();
    }
  }

  /** The typed schemas and values of the row inserted with {@link #VALUES}. */
  private static void assertTyped(Struct row, String text) {
    Schema schema = row.schema();
    assertThat(row.getBoolean("c_bool")).isTrue();
    assertThat(row.getString("c_text")).isEqualTo(text);

    Schema decimal = schema.field("c_numeric").schema();
    assertThat(decimal.name()).isEqualTo(Decimal.LOGICAL_NAME);
    assertThat(decimal.parameters())
        .containsEntry("scale", "2")
        .containsEntry("connect.decimal.precision", "10")
        .containsEntry("pgcdc.type", "numeric(10,2)");
    assertThat(row.get("c_numeric")).isEqualTo(new BigDecimal("12345678.90"));

    assertThat(schema.field("c_numeric_any").schema().name())
        .isEqualTo("io.debezium.data.VariableScaleDecimal");
    Struct variable = row.getStruct("c_numeric_any");
    assertThat(variable.getInt32("scale")).isEqualTo(3);
    assertThat(new BigInteger(variable.getBytes("value"))).isEqualTo(BigInteger.valueOf(1234));

    assertThat(schema.field("c_bytea").schema().type()).isEqualTo(Schema.Type.BYTES);
    assertThat(row.getBytes("c_bytea")).isEqualTo(new byte[] {0, (byte) 0xff});
    assertNamed(row, "c_uuid", "io.debezium.data.Uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertNamed(row, "c_jsonb", "io.debezium.data.Json", "{\"k\": [1, 2.50]}");
    assertNamed(
        row, "c_date", "io.debezium.time.Date", (int) LocalDate.of(2024, 2, 29).toEpochDay());
    assertNamed(
        row,
        "c_time",
        "io.debezium.time.MicroTime",
        LocalTime.of(23, 59, 59, 999_999_000).toNanoOfDay() / 1000);
    LocalDateTime ts = LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000);
    assertNamed(
        row,
        "c_ts",
        "io.debezium.time.MicroTimestamp",
        ts.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + 999_999);
    assertNamed(
        row, "c_ts3", "io.debezium.time.Timestamp", ts.toEpochSecond(ZoneOffset.UTC) * 1000 + 123);
    assertNamed(row, "c_tstz", "io.debezium.time.ZonedTimestamp", "2024-02-29T21:59:59.999999Z");
    assertNamed(row, "c_timetz", "io.debezium.time.ZonedTime", "12:34:56.789+05:30");
    assertNamed(row, "c_interval", "io.debezium.time.Interval", "P1Y2M3DT4H5M6.789012S");
    assertNamed(row, "c_enum", "io.debezium.data.Enum", "ok");
    assertThat(schema.field("c_enum").schema().parameters())
        .containsEntry("allowed", "sad,ok,happy");

    Schema ints = schema.field("c_int_arr").schema();
    assertThat(ints.type()).isEqualTo(Schema.Type.ARRAY);
    assertThat(ints.valueSchema().type()).isEqualTo(Schema.Type.INT32);
    assertThat(row.getArray("c_int_arr")).isEqualTo(Arrays.asList(1, null, 3));
    Schema texts = schema.field("c_text_arr").schema();
    assertThat(texts.valueSchema().type()).isEqualTo(Schema.Type.STRING);
    assertThat(row.getArray("c_text_arr")).isEqualTo(List.of("a", "b c"));
  }

  private static void assertNamed(Struct row, String field, String schemaName, Object value) {
    assertThat(row.schema().field(field).schema().name()).as(field).isEqualTo(schemaName);
    assertThat(row.get(field)).as(field).isEqualTo(value);
  }

  private static boolean hasRow3(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .anyMatch(r -> r.value() != null && new String(r.key()).contains("\"id\":3"));
  }

  private static SchemaAndValue toConnect(String topic, byte[] value) {
    try (JsonConverter json = new JsonConverter()) {
      json.configure(Map.of("schemas.enable", "true"), false);
      return json.toConnectData(topic, value);
    }
  }
}
