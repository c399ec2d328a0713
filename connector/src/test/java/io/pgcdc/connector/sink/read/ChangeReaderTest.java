package io.pgcdc.connector.sink.read;

import static io.pgcdc.connector.sink.TestRecords.change;
import static io.pgcdc.connector.sink.TestRecords.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.connector.common.KeyChangeHeaders;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.TestRecords;
import io.pgcdc.connector.sink.change.BadRecordException;
import io.pgcdc.connector.sink.change.RowChange;
import io.pgcdc.connector.sink.change.RowChange.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class ChangeReaderTest {
  private final ChangeReader reader =
      new ChangeReader(
          config(
              "table.name.format",
              "${source.schema}.${source.table}_copy",
              "table.allow.list",
              "public.*, s.*"));

  @Test
  void readsAnEnvelopeUpsertWithKeyColumnsFirstAndTheDeclaredTypes() {
    RowChange c = reader.read(change("c", 7, "a", "{}", 0));

    assertThat(c.kind()).isEqualTo(Kind.UPSERT);
    assertThat(c.table()).isEqualTo(new TableId("public", "orders_copy"));
    assertThat(c.columnNames()).containsExactly("id", "name", "doc");
    assertThat(c.columns().get(2).pgType()).isEqualTo("jsonb");
    assertThat(c.keyCount()).isEqualTo(1);
    assertThat(c.key()).isEqualTo("7");
  }

  @Test
  void readsADeleteWithTheKeyOnly() {
    RowChange c = reader.read(change("d", 7, "a", null, 0));

    assertThat(c.kind()).isEqualTo(Kind.DELETE);
    assertThat(c.columnNames()).containsExactly("id");
  }

  @Test
  void skipsTombstonesWhenTheTableNeedsTheValueAndMessagesAlways() {
    Struct message =
        new Struct(TestRecords.ENVELOPE)
            .put("source", TestRecords.source("orders", null))
            .put("op", "m");

    assertThat(reader.read(TestRecords.tombstone(7, 0))).isNull();
    assertThat(reader.read(new SinkRecord("t", 0, null, null, TestRecords.ENVELOPE, message, 1)))
        .isNull();
    assertThat(reader.drainSkipped()).hasSize(2);
  }

  @Test
  void tombstoneDeletesByKeyWhenTheTableDoesNotNeedTheValue() {
    ChangeReader fixedTable = new ChangeReader(config("table.name.format", "orders_copy"));

    RowChange c = fixedTable.read(TestRecords.tombstone(7, 0));

    assertThat(c.kind()).isEqualTo(Kind.DELETE);
    assertThat(c.table()).isEqualTo(new TableId("public", "orders_copy"));
    assertThat(c.key()).isEqualTo("7");
  }

  @Test
  void readsFlatSchemalessMapsWithTopicRename() {
    ChangeReader flat =
        new ChangeReader(
            config("topic.regex", "pg\\.([^.]+)\\.([^.]+)", "topic.replacement", "$1.$2_copy"));
    Map<String, Object> key = Map.of("id", 5L);
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("id", 5L);
    value.put("tags", List.of("a"));

    RowChange c = flat.read(new SinkRecord("pg.public.orders", 0, null, key, null, value, 0));

    assertThat(c.table()).isEqualTo(new TableId("public", "orders_copy"));
    assertThat(c.columnNames()).containsExactly("id", "tags");
    assertThat(c.values()).containsExactly(5L, List.of("a"));
  }

  @Test
  void rowsOfOneShapeShareTheirColumnListAndOtherShapesGetTheirOwn() {
    ChangeReader flat = new ChangeReader(config("table.name.format", "orders"));
    String id = "id";
    String name = "name";
    String note = "note";

    RowChange first = flat.read(flatRecord(Map.of(id, 1L), row(id, 1L, name, "a"), 0));
    RowChange second = flat.read(flatRecord(Map.of(id, 2L), row(id, 2L, name, "b"), 1));
    RowChange wider = flat.read(flatRecord(Map.of(id, 3L), row(id, 3L, note, "c"), 2));
    RowChange third = flat.read(flatRecord(Map.of(id, 4L), row(id, 4L, name, "d"), 3));

    assertThat(second.columns()).isSameAs(first.columns());
    assertThat(wider.columns()).isNotSameAs(first.columns());
    assertThat(wider.columnNames()).containsExactly("id", "note");
    assertThat(wider.values()).containsExactly(3L, "c");
    assertThat(third.columnNames()).containsExactly("id", "name");
    assertThat(third.values()).containsExactly(4L, "d");
    assertThat(third.table()).isEqualTo(first.table());
  }

  @Test
  void aRowWithTheSameFieldNamesInOtherStringsReadsTheSame() {
    ChangeReader flat = new ChangeReader(config("table.name.format", "orders"));

    flat.read(flatRecord(Map.of("id", 1L), row("id", 1L, "name", "a"), 0));
    RowChange c =
        flat.read(
            flatRecord(
                Map.of(new String("id"), 2L),
                row(new String("id"), 2L, new String("name"), "b"),
                1));

    assertThat(c.columnNames()).containsExactly("id", "name");
    assertThat(c.values()).containsExactly(2L, "b");
    assertThat(c.key()).isEqualTo("2");
  }

  @Test
  void flatRowsOfAKnownShapeReadAsTheFirstRowOfTheShape() {
    ChangeReader flat = new ChangeReader(config("table.name.format", "orders"));
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("b", 1L);
    key.put("a", "x");

    RowChange first = flat.read(flatRecord(key, row("a", "ignored", "note", "one"), 0));
    key.put("b", 2L);
    RowChange second = flat.read(flatRecord(key, row("a", "ignored", "note", null), 1));
    RowChange otherOrder = flat.read(flatRecord(key, row("note", "three", "a", "x"), 2));

    assertThat(first.columnNames()).containsExactly("b", "a", "note");
    assertThat(first.values()).containsExactly(1L, "x", "one");
    assertThat(first.keyCount()).isEqualTo(2);
    assertThat(first.key()).isEqualTo("1\u0000x");
    assertThat(second.columns()).isSameAs(first.columns());
    assertThat(second.values()).containsExactly(2L, "x", null);
    assertThat(second.key()).isEqualTo("2\u0000x");
    assertThat(second.unchanged()).isEmpty();
    assertThat(otherOrder.columnNames()).containsExactly("b", "a", "note");
    assertThat(otherOrder.values()).containsExactly(2L, "x", "three");
  }

  @Test
  void flatRowsOfAKnownShapeStillSeeUnavailableValuesAndNullKeys() {
    ChangeReader flat = new ChangeReader(config("table.name.format", "orders"));
    Map<String, Object> nullKey = new LinkedHashMap<>();
    nullKey.put("id", null);

    flat.read(flatRecord(Map.of("id", 1L), row("id", 1L, "doc", "{}"), 0));
    RowChange placeholder =
        flat.read(
            flatRecord(
                Map.of("id", 2L), row("id", 2L, "doc", ChangeReader.DEBEZIUM_UNAVAILABLE), 1));

    assertThat(placeholder.columnNames()).containsExactly("id");
    assertThat(placeholder.unchanged()).containsExactly("doc");
    assertThatThrownBy(() -> flat.read(flatRecord(nullKey, row("id", 3L, "doc", "{}"), 2)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("the primary key column 'id' is null");
  }

  private static Map<String, Object> row(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(k1, v1);
    row.put(k2, v2);
    return row;
  }

  private static SinkRecord flatRecord(
      Map<String, Object> key, Map<String, Object> value, long offset) {
    return new SinkRecord("t", 0, null, key, null, value, offset);
  }

  @Test
  void readsASchemalessEnvelopeMap() {
    Map<String, Object> after = Map.of("id", 1L, "name", "x");
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("before", null);
    value.put("after", after);
    value.put("source", Map.of("schema", "s", "table", "t"));
    value.put("op", "u");

    RowChange c = reader.read(new SinkRecord("x", 0, null, Map.of("id", 1L), null, value, 0));

    assertThat(c.table()).isEqualTo(new TableId("s", "t_copy"));
    assertThat(c.kind()).isEqualTo(Kind.UPSERT);
  }

  @Test
  void takesTheKeyFromValueFieldsInRecordValueMode() {
    ChangeReader byValue =
        new ChangeReader(config("primary.key.mode", "record_value", "primary.key.fields", "name"));
    Schema s =
        SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .build();

    RowChange c =
        byValue.read(
            new SinkRecord("t", 0, null, null, s, new Struct(s).put("id", 1L).put("name", "n"), 0));

    assertThat(c.columnNames()).containsExactly("name", "id");
    assertThat(c.key()).isEqualTo("n");
  }

  @Test
  void keysRowsByKafkaCoordinatesInKafkaMode() {
    ChangeReader kafka =
        new ChangeReader(
            config(
                "primary.key.mode",
                "kafka",
                "delete.enabled",
                "false",
                "table.name.format",
                "log"));

    RowChange c = kafka.read(new SinkRecord("t", 3, null, null, null, Map.of("msg", "hi"), 42));

    assertThat(c.columnNames())
        .containsExactly("__connect_topic", "__connect_partition", "__connect_offset", "msg");
    assertThat(c.values()).containsExactly("t", 3, 42L, "hi");
    assertThat(c.key()).isEqualTo(String.join("\u0000", "t", "3", "42"));
  }

  @Test
  void appendsRowsWithoutKeyInNoneMode() {
    ChangeReader append =
        new ChangeReader(
            config(
                "primary.key.mode",
                "none",
                "insert.mode",
                "insert",
                "delete.enabled",
                "false",
                "table.name.format",
                "log"));

    RowChange c = append.read(new SinkRecord("t", 0, null, null, null, Map.of("msg", "hi"), 1));

    assertThat(c.key()).isNull();
    assertThat(c.keyCount()).isZero();
    assertThat(append.read(new SinkRecord("t", 0, null, "k", null, null, 2))).isNull();
  }

  @Test
  void treatsDebeziumUnavailablePlaceholderAsUnchanged() {
    Struct row =
        new Struct(TestRecords.ROW)
            .put("id", 1L)
            .put("name", "n")
            .put("doc", ChangeReader.DEBEZIUM_UNAVAILABLE);
    Struct value =
        new Struct(TestRecords.ENVELOPE)
            .put("after", row)
            .put("source", TestRecords.source("o", null))
            .put("op", "u");

    RowChange c =
        reader.read(
            new SinkRecord(
                "t",
                0,
                TestRecords.KEY,
                new Struct(TestRecords.KEY).put("id", 1L),
                TestRecords.ENVELOPE,
                value,
                0));

    assertThat(c.columnNames()).containsExactly("id", "name");
    assertThat(c.unchanged()).containsExactly("doc");
  }

  @Test
  void namesTheProblemOfABadRecord() {
    assertThatThrownBy(() -> reader.read(new SinkRecord("t", 0, null, null, null, "text", 0)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("not a struct or a JSON object");
    assertThatThrownBy(
            () -> reader.read(new SinkRecord("t", 0, null, null, null, Map.of("id", 1L), 0)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("no key");
  }

  @Test
  void aRecordThatNamesASchemaOutsideTheDefaultIsABadRecordNamingTheSetting() {
    ChangeReader byDefault =
        new ChangeReader(config("table.name.format", "${source.schema}.${source.table}"));
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("after", Map.of("id", 1L));
    value.put("source", Map.of("schema", "audit", "table", "victim"));
    value.put("op", "c");

    assertThatThrownBy(
            () -> byDefault.read(new SinkRecord("x", 0, null, Map.of("id", 1L), null, value, 0)))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("audit.victim is not allowed")
        .hasMessageContaining("only go to schema public")
        .hasMessageContaining("table.allow.list");
  }

  @Test
  void createOfAKeyChangeCarriesTheOldKeyFromBefore() {
    RowChange c = reader.read(TestRecords.moveCreate(1, 2, "moved", 0));

    assertThat(c.key()).isEqualTo("2");
    assertThat(c.oldKey().key()).isEqualTo("1");
    assertThat(c.unchanged()).containsExactly("doc");
  }

  @Test
  void createOfADebeziumKeyChangeTakesTheOldKeyFromItsHeader() {
    SinkRecord create = change("c", 2, "moved", "{}", 0);
    // The worker's default header converter reads a struct header back as a map.
    create.headers().add(KeyChangeHeaders.OLD_KEY, Map.of("id", (byte) 1), null);

    assertThat(reader.read(create).oldKey().key()).isEqualTo("1");
  }

  @Test
  void plainCreateIsNoMove() {
    assertThat(reader.read(change("c", 2, "a", "{}", 0)).oldKey()).isNull();
  }

  @Test
  void skipsTheDeleteOfAKeyChangeAndItsTombstone() {
    ChangeReader fixedTable = new ChangeReader(config("table.name.format", "orders_copy"));

    assertThat(fixedTable.read(TestRecords.moveDelete(1, 2, 0))).isNull();
    assertThat(fixedTable.read(TestRecords.moveTombstone(1, 2, 1))).isNull();
    assertThat(fixedTable.drainSkipped()).hasSize(2);
  }

  @Test
  void keyChangeIsADeleteAndAnInsertWhenTheKeyComesFromKafka() {
    ChangeReader kafkaKeys =
        new ChangeReader(
            config(
                "table.name.format",
                "orders_copy",
                "primary.key.mode",
                "kafka",
                "delete.enabled",
                "false"));

    assertThat(kafkaKeys.read(TestRecords.moveCreate(1, 2, "moved", 0)).oldKey()).isNull();
  }
}
