package io.pgcdc.connector.sink;

import io.pgcdc.connector.common.KeyChangeHeaders;
import io.pgcdc.connector.sink.read.ChangeReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/** Records shaped like our source's: an envelope with before, after, source and op. */
public final class TestRecords {
  public static final Schema KEY =
      SchemaBuilder.struct().field("id", column(Schema.INT64_SCHEMA, "bigint", false)).build();
  public static final Schema ROW =
      SchemaBuilder.struct()
          .optional()
          .field("id", column(Schema.INT64_SCHEMA, "bigint", false))
          .field("name", column(Schema.STRING_SCHEMA, "text", true))
          .field("doc", column(Schema.STRING_SCHEMA, "jsonb", true))
          .build();
  public static final Schema SOURCE =
      SchemaBuilder.struct()
          .field("schema", Schema.OPTIONAL_STRING_SCHEMA)
          .field("table", Schema.OPTIONAL_STRING_SCHEMA)
          .field(
              ChangeReader.UNCHANGED_TOAST_FIELD,
              SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
          .build();
  public static final Schema ENVELOPE = envelope(ROW, ROW);

  private TestRecords() {}

  public static Schema column(Schema base, String pgType, boolean optional) {
    SchemaBuilder b = new SchemaBuilder(base.type()).parameter("pgcdc.type", pgType);
    return (optional ? b.optional() : b).build();
  }

  public static PostgresSinkConfig config(String... keyValues) {
    Map<String, String> props = new HashMap<>();
    props.put("connection.host", "localhost");
    props.put("connection.database", "db");
    props.put("connection.user", "u");
    for (int i = 0; i < keyValues.length; i += 2) {
      props.put(keyValues[i], keyValues[i + 1]);
    }
    return new PostgresSinkConfig(props);
  }

  public static Struct source(String table, List<String> unchanged) {
    Struct s = new Struct(SOURCE).put("schema", "public").put("table", table);
    if (unchanged != null) {
      s.put(ChangeReader.UNCHANGED_TOAST_FIELD, unchanged);
    }
    return s;
  }

  public static SinkRecord change(String op, long id, String name, String doc, long offset) {
    Struct row = new Struct(ROW).put("id", id).put("name", name).put("doc", doc);
    Struct value =
        new Struct(ENVELOPE)
            .put(op.equals("d") ? "before" : "after", row)
            .put("source", source("orders", null))
            .put("op", op);
    return new SinkRecord(
        "pg.public.orders", 0, KEY, new Struct(KEY).put("id", id), ENVELOPE, value, offset);
  }

  /** An update whose doc column was an unchanged TOAST value: left out and listed in source. */
  public static SinkRecord toastUpdate(long id, String name, long offset) {
    return narrowUpdate(id, name, List.of("doc"), offset);
  }

  /** A row of id and name: the doc column left out. */
  private static Schema withoutDoc() {
    return SchemaBuilder.struct()
        .optional()
        .field("id", column(Schema.INT64_SCHEMA, "bigint", false))
        .field("name", column(Schema.STRING_SCHEMA, "text", true))
        .build();
  }

  private static Schema envelope(Schema before, Schema after) {
    return SchemaBuilder.struct()
        .field("before", before)
        .field("after", after)
        .field("source", SOURCE)
        .field("op", Schema.STRING_SCHEMA)
        .build();
  }

  /** An update without the doc column, listed as unchanged TOAST or (null) not at all. */
  public static SinkRecord narrowUpdate(long id, String name, List<String> unchanged, long offset) {
    Schema row = withoutDoc();
    Schema envelope = envelope(row, row);
    Struct value =
        new Struct(envelope)
            .put("after", new Struct(row).put("id", id).put("name", name))
            .put("source", source("orders", unchanged))
            .put("op", "u");
    return new SinkRecord(
        "pg.public.orders", 0, KEY, new Struct(KEY).put("id", id), envelope, value, offset);
  }

  /** The delete of a key change from {@code from} to {@code to}, as our source sends it. */
  public static SinkRecord moveDelete(long from, long to, long offset) {
    SinkRecord r = change("d", from, null, null, offset);
    r.headers().add(KeyChangeHeaders.NEW_KEY, new Struct(KEY).put("id", to), KEY);
    return r;
  }

  /** The tombstone after the delete of a key change. */
  public static SinkRecord moveTombstone(long from, long to, long offset) {
    SinkRecord r = tombstone(from, offset);
    r.headers().add(KeyChangeHeaders.NEW_KEY, new Struct(KEY).put("id", to), KEY);
    return r;
  }

  /**
   * The create of a key change from {@code from} to {@code to} whose doc column was an unchanged
   * TOAST value, as our source sends it: the old row (key only) in before, the old key in a header.
   */
  public static SinkRecord moveCreate(long from, long to, String name, long offset) {
    Schema row = withoutDoc();
    Schema envelope = envelope(ROW, row);
    Struct value =
        new Struct(envelope)
            .put("before", new Struct(ROW).put("id", from))
            .put("after", new Struct(row).put("id", to).put("name", name))
            .put("source", source("orders", List.of("doc")))
            .put("op", "c");
    SinkRecord r =
        new SinkRecord(
            "pg.public.orders", 0, KEY, new Struct(KEY).put("id", to), envelope, value, offset);
    r.headers().add(KeyChangeHeaders.OLD_KEY, new Struct(KEY).put("id", from), KEY);
    return r;
  }

  public static SinkRecord tombstone(long id, long offset) {
    return new SinkRecord(
        "pg.public.orders", 0, KEY, new Struct(KEY).put("id", id), null, null, offset);
  }
}
